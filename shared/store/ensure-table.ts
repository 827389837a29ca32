import type { TableClient } from '@azure/data-tables';
import { statusCodeOf } from './errors.js';

/**
 * Creates the table unless it is there. The templates create every table and grant the app's identity each table
 * alone, not the account; Create Table may then be refused (403) on a table the identity may well use, so a refusal
 * is followed by a read of the table, and only a table the identity can neither create nor read is an error.
 */
export async function ensureTable(table: TableClient, signal?: AbortSignal): Promise<void> {
  try {
    await table.createTable({ abortSignal: signal });
  } catch (err) {
    if (statusCodeOf(err) === 409) return;
    if (statusCodeOf(err) !== 403) throw err;
    try {
      await table
        .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal: signal })
        .byPage({ maxPageSize: 1 })
        .next();
    } catch {
      throw err;
    }
  }
}
