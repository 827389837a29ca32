import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../shared/events/shape.js';
import { fixture } from './load-fixture.js';

describe('classifyMessage', () => {
  it.each([
    ['v2-request.json', 'v2'],
    ['diagnostics-mixed-batch.json', 'databricks_diagnostics'],
    ['event-grid-single.json', 'event_grid'],
    ['cloudevents-single.json', 'cloudevents'],
    ['unknown-shape.json', 'unknown'],
  ])('recognises %s as %s', (name, origin) => {
    expect(classifyMessage(fixture(name))).toBe(origin);
  });

  it.each([
    [{ records: [] }, 'databricks_diagnostics'],
    [{ records: {} }, 'unknown'],
    [{ specversion: '1.0', type: 'RESOURCE_SYNC', requestInfo: {} }, 'cloudevents'],
    [{ id: 'x', eventType: 'y' }, 'event_grid'],
    [{ requestInfo: {} }, 'v2'],
    [{ type: 'RESOURCE_SYNC' }, 'v2'],
    [{ type: 'OTHER' }, 'unknown'],
    [null, 'unknown'],
    ['{"type":"RESOURCE_SYNC"}', 'unknown'],
    [[{ type: 'RESOURCE_SYNC' }], 'unknown'],
  ])('classifies %j by structure as %s', (value, origin) => {
    expect(classifyMessage(value)).toBe(origin);
  });
});
