import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../dev/azurite.js';
import { tableClient } from '../../shared/store/clients.js';
import { ResourceStateStore } from '../../shared/store/resource-state.js';
import { TaskStore } from '../../shared/store/task-store.js';
import { endpointOf, type FaultProxy, proxiedConnectionString, startFaultProxy } from '../support/fault-proxy.js';

// The templates grant the app's identity each table alone. Whether Azure then authorizes Create Table (which names
// the table in its body, not its path) is not documented: the stores must start either way. Azurite is real; a proxy
// in front of it answers Create Table with the 403 a table-scoped identity could get.
let azurite: AzuriteHandle;
let tableProxy: FaultProxy, queueProxy: FaultProxy;
let proxied: string;
const CREATE_TABLE = /^POST \/devstoreaccount1\/Tables(\?|$)/;

beforeAll(async () => {
  azurite = await startAzurite();
  tableProxy = await startFaultProxy(endpointOf(azurite.connectionString, 'Table'));
  queueProxy = await startFaultProxy(endpointOf(azurite.connectionString, 'Queue'));
  proxied = proxiedConnectionString(azurite.connectionString, tableProxy, queueProxy);
});
afterAll(async () => {
  await tableProxy?.stop();
  await queueProxy?.stop();
  await azurite?.stop();
});

describe('a store whose identity may use its table but not create tables', () => {
  it('starts on the table the deployment created, and works on it', async () => {
    await new TaskStore(tableClient({ connectionString: azurite.connectionString }, 'scopedtasks')).init();
    await new ResourceStateStore(
      tableClient({ connectionString: azurite.connectionString }, 'scopedtasksresources'),
    ).init();

    tableProxy.answerMatching(CREATE_TABLE, 403, 2);
    const store = new TaskStore(tableClient({ connectionString: proxied }, 'scopedtasks'));
    await store.init();
    const states = new ResourceStateStore(tableClient({ connectionString: proxied }, 'scopedtasksresources'));
    await states.init();
    expect(await store.get('1')).toBeUndefined();
    expect(await states.get(['SALES.PUBLIC.ORDERS'])).toEqual([]);
  });

  it('does not start when the table is missing too', async () => {
    tableProxy.answerMatching(CREATE_TABLE, 403, 2);
    await expect(new TaskStore(tableClient({ connectionString: proxied }, 'nosuchtasks')).init()).rejects.toThrow(
      /403/,
    );
    await expect(
      new ResourceStateStore(tableClient({ connectionString: proxied }, 'nosuchtasksresources')).init(),
    ).rejects.toMatchObject({ statusCode: 403 });
  });
});
