import { describe, expect, it } from 'vitest';
import { identifierProblem, unityCatalogNameProblem } from '../../../shared/task/identifier.js';

describe('identifierProblem', () => {
  it.each([
    ['', 'is empty'],
    ['a\u0000', 'contains the control character U+0000'],
    ['a\tb', 'contains the control character U+0009'],
    ['a\u007f', 'contains the control character U+007F'],
    ['a\u009b', 'contains the control character U+009B'],
    ['a\udc00', 'contains a lone surrogate'],
  ])('rejects %j: it %s', (name, problem) => {
    expect(identifierProblem(name)).toBe(problem);
  });

  it.each(['ORDERS', 'My Table', 'a.b', 'x'.repeat(1000), 'emoji_😀'])(
    'accepts %j, which a quoted Snowflake identifier may be',
    (name) => {
      expect(identifierProblem(name)).toBeUndefined();
    },
  );
});

describe('unityCatalogNameProblem', () => {
  it.each([
    ['', 'is empty'],
    ['x'.repeat(256), 'is longer than 255 characters'],
    ['a.b', 'contains a period'],
    ['a b', 'contains a space'],
    ['a/b', 'contains a forward slash'],
    ['a\u001f', 'contains the control character U+001F'],
    ['a\ud800', 'contains a lone surrogate'],
  ])('rejects %j: it %s', (name, problem) => {
    expect(unityCatalogNameProblem(name)).toBe(problem);
  });

  it.each(['orders', 'cat-a-log', '目录', 'x'.repeat(255), 'emoji_😀', 'Mixed_Case'])('accepts %j', (name) => {
    expect(unityCatalogNameProblem(name)).toBeUndefined();
  });
});
