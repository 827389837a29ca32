import { readFileSync } from 'node:fs';

/** A fixture from test/fixtures/events as the raw text Event Hub would deliver. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8');
}

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export { diagnosticLogId as logId, diagnosticRecord } from '../../../dev/diagnostic-record.js';
