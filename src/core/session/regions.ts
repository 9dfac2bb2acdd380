import { didYouMean } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';

/**
 * The regions PAI is known to run in: the PAI Python SDK's own list (`SUPPORTED_REGION_IDS` and `REGION_INFOS` in
 * `pai/toolkit/helper/consts.py`, the regions its configuration wizard offers), as docs/session.md records. A region
 * outside it is far more often a typo than a new region; one that PAI serves and this list lacks still works
 * through an explicit endpoint (PAI_ENDPOINT or session.endpoint), which skips the check.
 */
export const KNOWN_PAI_REGIONS: readonly string[] = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-shenzhen',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-south-1',
  'us-east-1',
  'us-west-1',
  'eu-central-1',
  'me-east-1',
];

/** A problem when `region` is not a known PAI region (with the closest one), unless the endpoint was given explicitly. */
export function unknownRegion(region: { value: string; origin: string }, explicitEndpoint: boolean): Diagnostic | undefined {
  if (explicitEndpoint || KNOWN_PAI_REGIONS.includes(region.value)) return undefined;
  const guess = didYouMean(region.value.toLowerCase(), KNOWN_PAI_REGIONS);
  const suggestion = guess ? `did you mean "${guess}"? ` : '';
  return {
    path: 'session.region_id',
    origin: region.origin,
    message: `"${region.value}" is not a region PAI runs in; ${suggestion}PAI's regions: ${KNOWN_PAI_REGIONS.join(', ')} (a private or new endpoint: set PAI_ENDPOINT, which skips this check)`,
  };
}
