import { describe, expect, it } from 'vitest';
import { ingestMessage } from '../../../shared/events/ingest.js';
import { fixture, fixtureText } from './load-fixture.js';

const V2 = fixture('v2-request.json');

describe('ingestMessage', () => {
  it('turns a V2 payload into its request, keyed by the Event Hub id', () => {
    expect(ingestMessage(fixtureText('v2-request.json'), { eventId: 'eh-1' })).toEqual({
      items: [{ dedupeKey: 'eh-1', origin: 'v2', request: V2 }],
      dropped: {},
    });
  });

  it('reads the same message alike as a string, as bytes and as parsed JSON', () => {
    const text = fixtureText('diagnostics-mixed-batch.json');
    const fromString = ingestMessage(text, { eventId: 'eh-1' });
    expect(ingestMessage(Buffer.from(text), { eventId: 'eh-1' })).toEqual(fromString);
    expect(ingestMessage(new TextEncoder().encode(text).buffer, { eventId: 'eh-1' })).toEqual(fromString);
    expect(ingestMessage(JSON.parse(text), { eventId: 'eh-1' })).toEqual(fromString);
  });

  it('ignores a leading byte-order mark', () => {
    expect(ingestMessage(`\uFEFF${fixtureText('v2-request.json')}`, { eventId: 'eh-1' }).items[0]?.request).toEqual(V2);
  });

  it('lists every issue of an invalid V2 payload with its JSON path', () => {
    const body = {
      type: 'RESOURCE_SYNC',
      requestInfo: { resources: [{ values: { table: 7 } }, { type: '', values: {} }] },
    };
    expect(ingestMessage(body, { eventId: 'eh-2' }).items).toEqual([
      {
        dedupeKey: 'eh-2',
        origin: 'v2',
        invalid:
          'invalid RESOURCE_SYNC request: $.requestInfo.resources[0].type: Invalid input: expected string, received undefined; ' +
          '$.requestInfo.resources[0].values.table: Invalid input: expected string, received number; ' +
          '$.requestInfo.resources[1].type: Too small: expected string to have >=1 characters',
      },
    ]);
  });

  it('treats a request without type as a V2 payload missing its type', () => {
    const { type: _type, ...body } = V2 as Record<string, unknown>;
    expect(ingestMessage(body, { eventId: 'eh-3' }).items[0]).toEqual({
      dedupeKey: 'eh-3',
      origin: 'v2',
      invalid: 'invalid RESOURCE_SYNC request: $.type: Invalid input: expected "RESOURCE_SYNC"',
    });
  });

  it('reports a body that is not JSON', () => {
    const { items } = ingestMessage('{"type": "RESOURCE_SYNC", ', { eventId: 'eh-4' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ dedupeKey: 'eh-4', origin: 'unknown' });
    expect(items[0]?.invalid).toMatch(/^not valid JSON: /);
  });

  it('reports bytes that are not UTF-8', () => {
    expect(ingestMessage(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { eventId: 'eh-5' }).items[0]?.invalid).toBe(
      'not valid JSON: the body is not UTF-8 text',
    );
  });

  it('reports an unknown shape with the keys it saw, not its content', () => {
    expect(ingestMessage(fixtureText('unknown-shape.json'), { eventId: 'eh-6' })).toEqual({
      items: [
        {
          dedupeKey: 'eh-6',
          origin: 'unknown',
          invalid:
            'unrecognised message shape: an object with keys {"alert_name", "fired_at", "tables"}; expected a RESOURCE_SYNC request, ' +
            'a {records:[...]} diagnostics batch, an Event Grid event or a CloudEvent',
        },
      ],
      dropped: {},
    });
  });

  it.each([
    ['a number', '42', 'unrecognised message shape: a JSON number; expected an object'],
    [
      'null',
      'null',
      'unrecognised message shape: null; expected a RESOURCE_SYNC request, a {records:[...]} diagnostics batch, an Event Grid event or a CloudEvent',
    ],
    ['an empty array', '[]', 'empty JSON array: no event to read'],
  ])('reports %s as unusable', (_what, body, invalid) => {
    expect(ingestMessage(body, { eventId: 'eh-7' }).items).toEqual([{ dedupeKey: 'eh-7', origin: 'unknown', invalid }]);
  });

  it('keys a message without an Event Hub id by its content, stably', () => {
    const first = ingestMessage(fixtureText('unknown-shape.json'), {});
    expect(first.items[0]?.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ingestMessage(fixtureText('unknown-shape.json'), {}).items[0]?.dedupeKey).toBe(first.items[0]?.dedupeKey);
  });

  it('reads each element of an array on its own, keying id-less elements by message id and index', () => {
    const body = [V2, fixture('unknown-shape.json'), fixture('cloudevents-single.json')];
    const { items } = ingestMessage(body, { eventId: 'eh-8' });
    expect(items.map(({ dedupeKey, origin }) => ({ dedupeKey, origin }))).toEqual([
      { dedupeKey: 'eh-8:0', origin: 'v2' },
      { dedupeKey: 'eh-8:1', origin: 'unknown' },
      {
        dedupeKey: 'cloudevents:%2Fsnowflake%2Faccounts%2Fxy12345%2Falerts%2Fnew_tables:a1b2c3d4-0001',
        origin: 'cloudevents',
      },
    ]);
    expect(items[1]?.invalid).toMatch(/^\[1\] unrecognised message shape/);
  });

  it('never throws, even for values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const body of [
      undefined,
      Symbol('x'),
      10n,
      () => 1,
      Object.create(null),
      cyclic,
      new Map(),
      { records: cyclic },
    ]) {
      const result = ingestMessage(body, {});
      expect(result.items.every((item) => typeof item.dedupeKey === 'string' && item.dedupeKey !== '')).toBe(true);
    }
  });
});
