// aiworkspace 2021-02-04 ListConfigs: where the session finds the workspace's default OSS
// bucket (modelExportPath) when none is configured.
import { ServiceError } from '../errors.js';

export function listConfigs(
  workspaces: ReadonlyMap<string, Record<string, string>>,
  workspaceId: string,
  query: Record<string, string>,
): Record<string, unknown> {
  const configs = workspaces.get(workspaceId);
  if (!configs) throw new ServiceError(404, 'WorkspaceNotFound', `Workspace ${workspaceId} does not exist.`);
  const wanted = query['ConfigKeys']
    ? query['ConfigKeys']
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : Object.keys(configs);
  const list = wanted.filter((k) => configs[k] !== undefined).map((k) => ({ ConfigKey: k, ConfigValue: configs[k] }));
  return { Configs: list, TotalCount: list.length };
}
