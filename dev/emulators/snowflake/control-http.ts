import type { ControlState } from './control.js';

export const CONTROL_PREFIX = '/__emulator/';

export interface ControlResponse { status: number; body: unknown }

/**
 * The control API over HTTP, for another process (benchmarks, the local dev host):
 * GET statements, GET round-trips, GET grants, POST reset, POST end-sessions, POST latency {ms}, POST fail {nth?, pattern?, error} (or
 * {match, error}), POST drop-between {afterStatementMatching, objectFqn}, POST refuse-logins {on}.
 * Problems answer 400 application/problem+json.
 */
export interface ServerHooks { grants(): unknown; endSessions(): void }

export function handleControl(control: ControlState, hooks: ServerHooks, method: string, route: string, body: unknown): ControlResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${route}`) {
      case 'GET statements': return ok({ statements: control.statements() });
      case 'GET round-trips': return ok({ roundTrips: control.roundTrips() });
      case 'GET grants': return ok({ grants: hooks.grants() });
      case 'POST end-sessions': hooks.endSessions(); return ok({ ok: true });
      case 'POST reset': control.reset(); return ok({ ok: true });
      case 'POST latency': control.setLatency(Number(b.ms)); return ok({ ok: true });
      case 'POST fail': {
        const match = (b.match ?? { nth: b.nth, pattern: b.pattern }) as { nth?: number; pattern?: string };
        const clean = { ...(match.nth !== undefined ? { nth: Number(match.nth) } : {}), ...(typeof match.pattern === 'string' ? { pattern: match.pattern } : {}) };
        control.failStatement(clean, b.error as { code: string; message: string; sqlState?: string });
        return ok({ ok: true });
      }
      case 'POST drop-between':
        if (typeof b.afterStatementMatching !== 'string' || typeof b.objectFqn !== 'string') {
          return problem('drop-between needs string fields afterStatementMatching and objectFqn');
        }
        control.dropBetween(b.afterStatementMatching, b.objectFqn);
        return ok({ ok: true });
      case 'POST refuse-logins':
        if (typeof b.on !== 'boolean') return problem('refuse-logins needs a boolean field on');
        control.refuseLogins(b.on);
        return ok({ ok: true });
      default:
        return { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404, detail: `no control operation ${method} ${CONTROL_PREFIX}${route}` } };
    }
  } catch (e) {
    return problem((e as Error).message);
  }
}

function ok(body: unknown): ControlResponse { return { status: 200, body }; }
function problem(detail: string): ControlResponse {
  return { status: 400, body: { type: 'about:blank', title: 'Bad Request', status: 400, detail } };
}
