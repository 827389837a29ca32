export type NameCase = 'upper' | 'lower' | 'preserve';

export interface PrincipalNaming {
  userRoleTemplate: string;
  case: NameCase;
}

/** Applies the configured case and, for users, the role-name template (`{name}` -> the user's name). */
export function mapName(name: string, naming: PrincipalNaming, template = '{name}'): string {
  const cased = naming.case === 'upper' ? name.toUpperCase() : naming.case === 'lower' ? name.toLowerCase() : name;
  return template.replaceAll('{name}', cased);
}
