// The OSS endpoint: object and multipart operations on in-memory buckets.
import type { CredentialStore } from '../credentials.js';
import { ServiceError } from '../errors.js';
import { sha256Hex } from '../http-util.js';
import type { Answer, Call, Route, ServiceAdapter } from '../service.js';
import { resolveAddress, type Address } from './addressing.js';
import { authenticateOss } from './auth.js';
import { ossErrorAnswer } from './errors.js';
import { listObjects, listObjectsV2 } from './list.js';
import { metaFrom, deleteMultipleObjects, deleteObject, getObject, headObject, putObject } from './objects.js';
import type { MultipartUploads } from './multipart.js';
import type { OssStore } from './store.js';
import { el, xmlDocument } from './xml.js';

export interface OssContext {
  store: OssStore;
  multipart: MultipartUploads;
  credentials: CredentialStore;
  serverNow(): number;
  maxSkewMs: number;
  region: string;
  /** The bucket of requests that carry none (cname clients). */
  cnameBucket: string;
}

interface OssRoute extends Route {
  address: Address;
}

/** Names the OSS action from method, sub-resources and whether a key is addressed. */
function actionOf(method: string, q: Record<string, string>, hasKey: boolean, headers: Record<string, string>): string {
  const has = (k: string): boolean => q[k] !== undefined;
  if (hasKey) {
    switch (method) {
      case 'PUT':
        if (has('partNumber') && has('uploadId')) return 'UploadPart';
        return headers['x-oss-copy-source'] ? 'CopyObject' : 'PutObject';
      case 'GET':
        return has('uploadId') ? 'ListParts' : 'GetObject';
      case 'HEAD':
        return 'HeadObject';
      case 'POST':
        if (has('uploads')) return 'InitiateMultipartUpload';
        if (has('uploadId')) return 'CompleteMultipartUpload';
        return has('append') ? 'AppendObject' : 'PostObject';
      case 'DELETE':
        return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
      default:
        return 'Unknown';
    }
  }
  switch (method) {
    case 'GET':
      if (has('uploads')) return 'ListMultipartUploads';
      if (has('bucketInfo')) return 'GetBucketInfo';
      return q['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'PUT':
      return 'PutBucket';
    case 'POST':
      return has('delete') ? 'DeleteMultipleObjects' : 'Unknown';
    default:
      return 'Unknown';
  }
}

const SUPPORTED = new Set([
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'DeleteMultipleObjects',
  'ListObjects',
  'ListObjectsV2',
  'InitiateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  'PutBucket',
  'GetBucketInfo',
]);

function xmlAnswer(body: string): Answer {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export function ossAdapter(ctx: OssContext): ServiceAdapter<OssRoute> {
  const hostId = (bucket: string | undefined): string => `${bucket ? `${bucket}.` : ''}oss-${ctx.region}.aliyuncs.com`;
  const otherRegion = (bucket: string): string | undefined => {
    const r = ctx.store.regionOf(bucket);
    return r !== undefined && r !== ctx.region ? r : undefined;
  };

  return {
    service: 'oss',

    route(call: Call): OssRoute {
      const address = resolveAddress(call.headers['host'], call.rawPath, (b) => ctx.store.hasBucket(b), ctx.cnameBucket);
      const action = actionOf(call.method, call.queryObj, address.key !== '', call.headers);
      const route: OssRoute = { action, address };
      if (!SUPPORTED.has(action)) {
        route.error = new ServiceError(501, 'NotImplemented', `The emulator does not implement ${action} (${call.method} ${call.rawPath}).`);
      } else if (action !== 'PutBucket' && address.bucket !== undefined && !ctx.store.hasBucket(address.bucket)) {
        route.error = new ServiceError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: address.bucket });
      } else if (action !== 'GetBucketInfo' && address.bucket !== undefined && otherRegion(address.bucket) !== undefined) {
        // OSS answers a bucket addressed through another region's endpoint with 403 AccessDenied and the
        // endpoint to use (on HEAD only in x-oss-err). GetBucketInfo answers from any region here: it is
        // how a client learns where a bucket is.
        const region = otherRegion(address.bucket)!;
        route.error = new ServiceError(
          403,
          'AccessDenied',
          'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
          {
            Bucket: address.bucket,
            Endpoint: `oss-${region}.aliyuncs.com`,
          },
        );
      }
      return route;
    },

    authenticate(call: Call, route: OssRoute) {
      return authenticateOss(call, route.address.bucket, route.address.key, ctx);
    },

    handle(call: Call, route: OssRoute): Answer {
      const bucket = route.address.bucket ?? ctx.cnameBucket;
      const key = route.address.key;
      const q = call.queryObj;
      const h = call.headers;
      let answer: Answer;
      switch (route.action) {
        case 'PutObject':
          answer = putObject(ctx.store, bucket, key, h, call.body);
          break;
        case 'GetObject':
          answer = getObject(ctx.store, bucket, key, h);
          break;
        case 'HeadObject':
          answer = headObject(ctx.store, bucket, key, h);
          break;
        case 'DeleteObject':
          answer = deleteObject(ctx.store, bucket, key);
          break;
        case 'DeleteMultipleObjects':
          answer = deleteMultipleObjects(ctx.store, bucket, call.body);
          break;
        case 'ListObjects':
          answer = xmlAnswer(listObjects(ctx.store, bucket, q));
          break;
        case 'ListObjectsV2':
          answer = xmlAnswer(listObjectsV2(ctx.store, bucket, q));
          break;
        case 'InitiateMultipartUpload':
          answer = xmlAnswer(ctx.multipart.initiate(bucket, key, h['content-type'] || 'application/octet-stream', metaFrom(h)));
          break;
        case 'UploadPart':
          answer = {
            status: 200,
            headers: { etag: ctx.multipart.uploadPart(bucket, key, q['uploadId'], q['partNumber'], call.body, h['content-md5']) },
            body: '',
          };
          break;
        case 'CompleteMultipartUpload': {
          const obj = ctx.multipart.complete(bucket, key, q['uploadId'], call.body);
          const location = `http://${bucket}.oss-${ctx.region}.aliyuncs.com/${key}`;
          answer = xmlAnswer(
            xmlDocument('CompleteMultipartUploadResult', el('Location', location) + el('Bucket', bucket) + el('Key', key) + el('ETag', obj.etag)),
          );
          answer.headers['etag'] = obj.etag;
          break;
        }
        case 'AbortMultipartUpload':
          ctx.multipart.abort(bucket, key, q['uploadId']);
          answer = { status: 204, headers: {}, body: '' };
          break;
        case 'ListParts':
          answer = xmlAnswer(ctx.multipart.listParts(bucket, key, q['uploadId'], q));
          break;
        case 'ListMultipartUploads':
          answer = xmlAnswer(ctx.multipart.listUploads(bucket, q));
          break;
        case 'PutBucket':
          ctx.store.createBucket(bucket);
          answer = { status: 200, headers: { location: `/${bucket}` }, body: '' };
          break;
        case 'GetBucketInfo': {
          const region = ctx.store.regionOf(bucket) ?? ctx.region;
          answer = xmlAnswer(
            xmlDocument(
              'BucketInfo',
              `<Bucket>${el('Name', bucket)}${el('Location', `oss-${region}`)}${el('ExtranetEndpoint', `oss-${region}.aliyuncs.com`)}${el('IntranetEndpoint', `oss-${region}-internal.aliyuncs.com`)}${el('StorageClass', 'Standard')}</Bucket>`,
            ),
          );
          break;
        }
        default:
          throw new ServiceError(501, 'NotImplemented', `The emulator does not implement ${route.action}.`);
      }
      answer.headers['x-oss-request-id'] = call.requestId;
      answer.headers['server'] = 'AliyunOSS';
      answer.headers['date'] = new Date().toUTCString();
      return answer;
    },

    errorAnswer(call: Call, route: OssRoute, error: ServiceError): Answer {
      return ossErrorAnswer(error, call.requestId, hostId(route.address.bucket), call.method);
    },

    journalExtras(call: Call, route: OssRoute) {
      return {
        bodyInfo: { length: call.body.length, sha256: sha256Hex(call.body) },
        ...(route.address.bucket !== undefined ? { bucket: route.address.bucket } : {}),
        key: route.address.key,
      };
    },
  };
}
