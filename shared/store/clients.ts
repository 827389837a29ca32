import { DefaultAzureCredential } from '@azure/identity';
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';

export interface StorageSettings { connectionString?: string; accountName?: string; clientId?: string }

const isLocal = (cs: string) => /UseDevelopmentStorage=true|127\.0\.0\.1|localhost/i.test(cs);

/** Connection string locally; managed identity (AzureWebJobsStorage__accountName) in Azure. */
export function tableClient(s: StorageSettings, table: string): TableClient {
  if (s.connectionString) {
    return TableClient.fromConnectionString(s.connectionString, table, { allowInsecureConnection: isLocal(s.connectionString) });
  }
  return new TableClient(`https://${s.accountName}.table.core.windows.net`, table, credential(s));
}

export function queueClient(s: StorageSettings, queue: string): QueueClient {
  if (s.connectionString) return new QueueClient(s.connectionString, queue);
  return new QueueClient(`https://${s.accountName}.queue.core.windows.net/${queue}`, credential(s));
}

const credential = (s: StorageSettings) => new DefaultAzureCredential(s.clientId ? { managedIdentityClientId: s.clientId } : {});
