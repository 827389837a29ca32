import { describe, expect, it } from 'vitest';
import { ingestMessage } from '../../../shared/events/ingest.js';
import { fixture, fixtureText } from './load-fixture.js';

const ORDERS = {
  type: 'RESOURCE_SYNC',
  appType: 'SNOWFLAKE',
  source: 'SNOWFLAKE_ALERT',
  createTime: '2026-11-27T12:00:41Z',
  requestInfo: { resources: [{ type: 'table', values: { database: 'SALES_DB', schema: 'PUBLIC', table: 'ORDERS' } }] },
};

describe('Event Grid envelopes', () => {
  it('reads a single event whose data is a V2 request written as a JSON string, keyed by the event id', () => {
    expect(ingestMessage(fixtureText('event-grid-single.json'), { eventId: 'eh-9' })).toEqual({
      items: [{ dedupeKey: 'event_grid:0b6e1f3a-94c2-4d7e-8a15-2c9f4e6b7d10', origin: 'event_grid', request: ORDERS }],
      dropped: {},
    });
  });

  it('reads an array of events, one item each, and reports the one whose data is not a V2 request', () => {
    const { items } = ingestMessage(fixtureText('event-grid-array.json'), { eventId: 'eh-10' });
    expect(items).toEqual([
      {
        dedupeKey: 'event_grid:5d3c2b1a-0f9e-4d8c-b7a6-958473625140',
        origin: 'event_grid',
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
      { dedupeKey: 'event_grid:6e4d3c2b-1a0f-4e9d-c8b7-a69584736251', origin: 'event_grid', request: ORDERS },
      {
        dedupeKey: 'event_grid:7f5e4d3c-2b1a-4f0e-d9c8-b7a695847362',
        origin: 'event_grid',
        invalid:
          '[2] invalid RESOURCE_SYNC request: $.data.type: Invalid input: expected "RESOURCE_SYNC"; $.data.requestInfo: Invalid input: expected object, received undefined',
      },
    ]);
  });

  it('gives a redelivered event the same key even when Event Hub gives it a new message id', () => {
    const first = ingestMessage(fixtureText('event-grid-single.json'), { eventId: 'eh-9' });
    const again = ingestMessage(fixture('event-grid-single.json'), { eventId: 'eh-77' });
    expect(again.items[0]?.dedupeKey).toBe(first.items[0]?.dedupeKey);
  });

  it('percent-encodes the event id in the key, so a publisher cannot smuggle key separators in', () => {
    const event = { ...fixture<Record<string, unknown>>('event-grid-single.json'), id: 'a/b#c?d' };
    expect(ingestMessage(event, {}).items[0]?.dedupeKey).toBe('event_grid:a%2Fb%23c%3Fd');
  });

  it('reports data that is a string but not JSON', () => {
    const event = { ...fixture<Record<string, unknown>>('event-grid-single.json'), data: '{"type":"RESOURCE_SYNC",' };
    expect(ingestMessage(event, {}).items[0]?.invalid).toMatch(/^data: not valid JSON: /);
  });

  it('reports an event without data', () => {
    const { data: _data, ...event } = fixture<Record<string, unknown>>('event-grid-single.json');
    expect(ingestMessage(event, {}).items[0]).toMatchObject({
      origin: 'event_grid',
      invalid: 'data: missing; expected a RESOURCE_SYNC request',
    });
  });

  it('reports an envelope missing a required field by its path, keyed by the Event Hub id', () => {
    const {
      eventTime: _time,
      subject: _subject,
      ...event
    } = fixture<Record<string, unknown>>('event-grid-single.json');
    expect(ingestMessage(event, { eventId: 'eh-11' }).items).toEqual([
      {
        dedupeKey: 'eh-11',
        origin: 'event_grid',
        invalid:
          'invalid Event Grid event: $.subject: Invalid input: expected string, received undefined; $.eventTime: Invalid input: expected string, received undefined',
      },
    ]);
  });
});
