import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../../shared/plan/glob.js';

describe('IGNORE_* globs', () => {
  it('match whole names, case-insensitively, with * and ? as the only wildcards', () => {
    const ignored = globMatcher(['SYS*', 'tmp_?', 'a.b']);
    expect(ignored('sysadmin')).toBe(true);
    expect(ignored('TMP_1')).toBe(true);
    expect(ignored('TMP_12')).toBe(false);
    expect(ignored('axb')).toBe(false);
    expect(ignored('MY_SYSADMIN')).toBe(false);
  });

  it('do not let a line break in a name slip past an ignore list', () => {
    expect(globMatcher(['SYS*'])('SYS\nADMIN')).toBe(true);
    expect(globMatcher(['SYS?ADMIN'])('SYS\u2028ADMIN')).toBe(true);
  });

  it('take ? as one character, an emoji or an unpaired surrogate included', () => {
    expect(globMatcher(['ROLE_?'])('ROLE_😀')).toBe(true);
    expect(globMatcher(['ROLE_??'])('ROLE_😀')).toBe(false);
    expect(globMatcher(['ROLE_?'])('ROLE_\ud800')).toBe(true);
  });

  it('ignore case the way Ranger does (Java), so İ, ı and i are one letter and ß is not SS', () => {
    expect(globMatcher(['ADMİN*'])('admin_eu')).toBe(true);
    expect(globMatcher(['admın'])('ADMIN')).toBe(true);
    expect(globMatcher(['STRASSE'])('straße')).toBe(false);
  });

  it('match nothing when the list is empty', () => {
    expect(globMatcher([])('anything')).toBe(false);
  });
});
