import { z } from 'zod';

/**
 * One app setting: its name, its default as it would be written, whether it is a secret, what it means, and how its
 * value is read. The settings list holds these; the config parser, the README's settings table and the
 * infrastructure templates are all made from that list.
 */
export interface Setting<N extends string = string, T extends z.ZodType = z.ZodType> {
  readonly name: N;
  /** Read like a value that was set (so it passes the same checks), when the setting is not set. */
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
  readonly value: T;
}

export const setting = <const N extends string, T extends z.ZodType>(
  name: N,
  value: T,
  about: { default?: string; secret?: boolean; description: string },
): Setting<N, T> => ({ name, value, ...about });

/** A zod object that reads every setting of `list` by name. */
export const settingsSchema = <L extends readonly Setting[]>(list: L) =>
  z.object(Object.fromEntries(list.map((s) => [s.name, s.value])) as { [S in L[number] as S['name']]: S['value'] });

/** The values a list of settings reads to, by setting name. */
export type SettingValues<L extends readonly Setting[]> = z.output<ReturnType<typeof settingsSchema<L>>>;

// How values are read. A setting with a default always has a value to read.
export const flag = z
  .enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0'])
  .transform((v) => v.toLowerCase() === 'true' || v === '1');
export const optionalText = z.string().trim().min(1).optional();
export const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
export const boundedInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
