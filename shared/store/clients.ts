import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { QueueClient } from '@azure/storage-queue';
import { escapeLineSeparators } from './escape-line-separators.js';
import { requestTimeout, STORAGE_REQUEST_TIMEOUT_MS } from './request-timeout.js';

export interface StorageSettings {
  connectionString?: string;
  accountName?: string;
  clientId?: string;
}

const isLocal = (cs: string) => /UseDevelopmentStorage=true|127\.0\.0\.1|localhost/i.test(cs);

/** Connection string locally; managed identity (AzureWebJobsStorage__accountName) in Azure. */
export function tableClient(s: StorageSettings, table: string, timeoutMs = STORAGE_REQUEST_TIMEOUT_MS): TableClient {
  const additionalPolicies = [requestTimeout(timeoutMs), escapeLineSeparators];
  if (s.connectionString) {
    return TableClient.fromConnectionString(s.connectionString, table, {
      allowInsecureConnection: isLocal(s.connectionString),
      additionalPolicies,
    });
  }
  return new TableClient(`https://${s.accountName}.table.core.windows.net`, table, credential(s), {
    additionalPolicies,
  });
}

export function queueClient(s: StorageSettings, queue: string): QueueClient {
  if (s.connectionString) return new QueueClient(s.connectionString, queue);
  return new QueueClient(`https://${s.accountName}.queue.core.windows.net/${queue}`, credential(s));
}

const credential = (s: StorageSettings) => managedIdentityCredential(s.clientId);

/** The app's identity in Azure: the user-assigned managed identity `clientId` names (AzureWebJobsStorage__clientId). */
export const managedIdentityCredential = (clientId?: string) =>
  new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
