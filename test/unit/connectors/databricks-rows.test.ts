import { describe, expect, it } from 'vitest';
import { lowerCaseColumns } from '../../../shared/connectors/databricks/session.js';

describe('Databricks result rows', () => {
  it('are read by lower-case column name, whichever case the warehouse answers in', () => {
    const warehouse = {
      Principal: 'analysts',
      ActionType: 'SELECT',
      ObjectType: 'TABLE',
      ObjectKey: 'main.sales.orders',
    };
    const reference = {
      principal: 'analysts',
      actionType: 'SELECT',
      objectType: 'TABLE',
      objectKey: 'main.sales.orders',
    };
    const lower = { principal: 'analysts', actiontype: 'SELECT', objecttype: 'TABLE', objectkey: 'main.sales.orders' };
    expect(lowerCaseColumns(warehouse)).toEqual(lower);
    expect(lowerCaseColumns(reference)).toEqual(lower);
    expect(lowerCaseColumns(lower)).toEqual(lower);
  });
});
