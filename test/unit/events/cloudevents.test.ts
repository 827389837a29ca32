import { describe, expect, it } from 'vitest';
import { ingestMessage } from '../../../shared/events/ingest.js';
import { fixture, fixtureText } from './load-fixture.js';

const SOURCE = '%2Fsnowflake%2Faccounts%2Fxy12345%2Falerts%2Fnew_tables';
const ORDERS = {
  type: 'RESOURCE_SYNC',
  appType: 'SNOWFLAKE',
  source: 'SNOWFLAKE_ALERT',
  createTime: '2026-11-27T12:00:41Z',
  requestInfo: { resources: [{ type: 'table', values: { database: 'SALES_DB', schema: 'PUBLIC', table: 'ORDERS' } }] },
};

describe('CloudEvents 1.0 envelopes', () => {
  it('reads a single structured-mode event, keyed by its source and id', () => {
    expect(ingestMessage(fixtureText('cloudevents-single.json'), { eventId: 'eh-20' })).toEqual({
      items: [{ dedupeKey: `cloudevents:${SOURCE}:a1b2c3d4-0001`, origin: 'cloudevents', request: ORDERS }],
      dropped: {},
    });
  });

  it('reads a batch: data, data_base64, and an event without source reported at its index', () => {
    const { items } = ingestMessage(Buffer.from(fixtureText('cloudevents-batch.json')), { eventId: 'eh-21' });
    expect(items).toEqual([
      {
        dedupeKey: `cloudevents:${SOURCE}:a1b2c3d4-0002`,
        origin: 'cloudevents',
        request: {
          type: 'RESOURCE_SYNC',
          appType: 'SNOWFLAKE',
          source: 'SNOWFLAKE_ALERT',
          requestInfo: {
            resources: [
              { type: 'schema', values: { database: 'SALES_DB', schema: 'STAGING' } },
              { type: 'view', values: { database: 'SALES_DB', schema: 'PUBLIC', view: 'ORDERS_V' } },
            ],
          },
        },
      },
      { dedupeKey: `cloudevents:${SOURCE}:a1b2c3d4-0003`, origin: 'cloudevents', request: ORDERS },
      {
        dedupeKey: 'eh-21:2',
        origin: 'cloudevents',
        invalid: '[2] invalid CloudEvent: $.source: Invalid input: expected string, received undefined',
      },
    ]);
  });

  it('digests a key that would be too long to store, keeping the origin readable', () => {
    const event = {
      ...fixture<Record<string, unknown>>('cloudevents-single.json'),
      source: `https://example.com/${'x'.repeat(600)}`,
    };
    expect(ingestMessage(event, {}).items[0]?.dedupeKey).toMatch(/^cloudevents:sha256:[0-9a-f]{64}$/);
  });

  it('rejects a specversion other than 1.0', () => {
    const event = { ...fixture<Record<string, unknown>>('cloudevents-single.json'), specversion: '0.3' };
    expect(ingestMessage(event, { eventId: 'eh-22' }).items[0]).toEqual({
      dedupeKey: 'eh-22',
      origin: 'cloudevents',
      invalid: 'invalid CloudEvent: $.specversion: Invalid input: expected "1.0"',
    });
  });

  it('rejects an event carrying both data and data_base64', () => {
    const event = { ...fixture<Record<string, unknown>>('cloudevents-single.json'), data_base64: 'e30=' };
    expect(ingestMessage(event, {}).items[0]?.invalid).toBe(
      'invalid CloudEvent: $.data_base64: data and data_base64 are mutually exclusive',
    );
  });

  it('reports data_base64 that is not base64', () => {
    const { data: _data, ...event } = fixture<Record<string, unknown>>('cloudevents-single.json');
    expect(ingestMessage({ ...event, data_base64: 'not base64!' }, {}).items[0]?.invalid).toBe(
      'data_base64: data_base64 is not base64',
    );
  });

  it('lists every issue of an invalid V2 payload with its path under data', () => {
    const event = {
      ...fixture<Record<string, unknown>>('cloudevents-single.json'),
      data: { type: 'RESOURCE_SYNC', requestInfo: { resources: [] } },
    };
    expect(ingestMessage(event, {}).items[0]?.invalid).toBe(
      'invalid RESOURCE_SYNC request: $.data.requestInfo.resources: Too small: expected array to have >=1 items',
    );
  });
});
