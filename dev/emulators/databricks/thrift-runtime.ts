import { createRequire } from 'node:module';
import type * as T from '@databricks/sql/thrift/TCLIService_types.js';

// The driver ships its generated TCLIService code; serving that very code keeps the emulator's wire format
// identical to what the client parses. It is CommonJS without usable typings for `thrift`, hence require().
const require = createRequire(import.meta.url);

export type ThriftTypes = typeof T;
export const ttypes: ThriftTypes = require('@databricks/sql/thrift/TCLIService_types.js');

interface TransportCtor {
  new (buffer: Buffer | undefined, onFlush: (buf: Buffer) => void): unknown;
  receiver(callback: (transport: { commitPosition(): void; rollbackPosition(): void }) => void): (data: Buffer) => void;
}
interface ThriftLib {
  TBufferedTransport: TransportCtor;
  TBinaryProtocol: new (transport: unknown) => unknown;
}
export const thrift: ThriftLib = require('thrift');

interface TCLIServiceModule {
  Processor: new (handler: object) => { process(input: unknown, output: unknown): void };
}
export const TCLIService: TCLIServiceModule = require('@databricks/sql/thrift/TCLIService.js');

/** node-int64: what the generated code reads and writes for i64 fields. */
export interface Int64Like {
  toNumber(allowImprecise?: boolean): number;
}
const Int64Ctor: new (value: number) => Int64Like = require('node-int64');
export const int64 = (value: number): Int64Like => new Int64Ctor(value);
export const int64ToNumber = (value: unknown): number | undefined =>
  value && typeof (value as Int64Like).toNumber === 'function'
    ? (value as Int64Like).toNumber(true)
    : typeof value === 'number'
      ? value
      : undefined;
