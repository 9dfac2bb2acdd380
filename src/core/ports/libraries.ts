/** The Alibaba libraries the cloud adapters use; bin/ may hand in copies the build bundled with a code cache. */
export type LibraryName = 'ali-oss' | '@alicloud/credentials' | '@alicloud/openapi-client' | '@alicloud/tea-util';

/**
 * Returns a library's exports, as `require(name)` would. bin/pai-process.cjs passes one that runs the build's bundles
 * from V8's code cache (bin/load-bundle.cjs): requiring the installed packages costs a command some 150 ms of
 * compiling before its first request (docs/performance.md).
 */
export type LoadLibrary = (name: LibraryName) => unknown;
