/** Parses infra/terraform/*.tf offline with @cdktf/hcl2json (HCL -> the JSON form of Terraform) and merges the files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

type Body = Record<string, unknown>;

export interface TerraformConfig {
  files: string[];
  /** resources[type][name] = the block's attributes (expressions as "${...}" strings). */
  resources: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  variables: Record<string, Body>;
  outputs: Record<string, Body>;
  locals: Body;
  terraform: Body[];
  /** provider blocks by provider name. */
  providers: Record<string, Body>;
}

export async function readTerraform(dir: string): Promise<TerraformConfig> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const config: TerraformConfig = {
    files,
    resources: {},
    data: {},
    variables: {},
    outputs: {},
    locals: {},
    terraform: [],
    providers: {},
  };
  for (const file of files) {
    const json = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Record<string, unknown>;
    for (const [kind, target] of [
      ['resource', config.resources],
      ['data', config.data],
    ] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Body[]>>)) {
        for (const [name, blocks] of Object.entries(byName)) (target[type] ??= {})[name] = blocks[0]!;
      }
    }
    for (const [name, blocks] of Object.entries((json.variable ?? {}) as Record<string, Body[]>))
      config.variables[name] = blocks[0]!;
    for (const [name, blocks] of Object.entries((json.output ?? {}) as Record<string, Body[]>))
      config.outputs[name] = blocks[0]!;
    for (const block of (json.locals ?? []) as Body[]) Object.assign(config.locals, block);
    config.terraform.push(...((json.terraform ?? []) as Body[]));
    for (const [name, blocks] of Object.entries((json.provider ?? {}) as Record<string, Body[]>))
      config.providers[name] = blocks[0]!;
  }
  return config;
}

/** The one resource of a type and name; fails the test with the names that exist when it is missing. */
export function resource(config: TerraformConfig, type: string, name: string): Body {
  const found = config.resources[type]?.[name];
  if (!found)
    throw new Error(
      `no resource ${type}.${name} (have: ${Object.keys(config.resources[type] ?? {}).join(', ') || 'none'})`,
    );
  return found;
}

/** The first block of a nested block list (`site_config { ... }` parses as [{...}]). */
export const nested = (body: Body, key: string): Body => ((body[key] as Body[] | undefined) ?? [])[0] ?? {};

/** Whether a Terraform version constraint (`>= 4.46.0, < 5.0.0`, `~> 4.30`, ...) admits a release. */
export function constraintAdmits(constraint: string, version: string): boolean {
  const parse = (v: string) => v.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parse(version);
  return constraint.split(',').every((part) => {
    const m = /^\s*(>=|<=|!=|~>|>|<|=)?\s*(\d+(?:\.\d+)*)\s*$/.exec(part);
    if (!m) throw new Error(`unreadable version constraint: ${part}`);
    const bound = parse(m[2]!);
    const c = compare(v, bound);
    switch (m[1] ?? '=') {
      case '>=':
        return c >= 0;
      case '>':
        return c > 0;
      case '<=':
        return c <= 0;
      case '<':
        return c < 0;
      case '!=':
        return c !== 0;
      case '=':
        return c === 0;
      default: {
        // ~> 4.30 allows 4.x from 4.30; ~> 4.30.1 allows 4.30.x from 4.30.1.
        const upper = [...bound.slice(0, bound.length - 2), (bound[bound.length - 2] ?? 0) + 1];
        return c >= 0 && compare(v.slice(0, upper.length), upper) < 0;
      }
    }
  });
}
