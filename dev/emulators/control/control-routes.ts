import type { EmulatorControl, InjectedError, StatementMatch } from './control-state.js';

export const CONTROL_PREFIX = '/__emulator/';

/** What the HTTP control API needs beyond EmulatorControl. */
export interface ControlHooks {
  grants(): unknown;
  endSessions(): void;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}
const ok = (body: unknown): ControlResponse => ({ status: 200, body });
const problem = (status: number, title: string, detail: string): ControlResponse => ({
  status,
  body: { type: 'about:blank', title, status, detail },
});

/**
 * The control API over HTTP, for another process (benchmarks, the local dev host), the same on both emulators:
 * GET statements, GET round-trips, GET grants, POST reset, POST end-sessions, POST latency {ms},
 * POST fail {nth?, pattern?, error} (or {match, error}), POST drop-between {afterStatementMatching, objectFqn},
 * POST refuse-logins {on}. `route` is the path after CONTROL_PREFIX; problems answer application/problem+json.
 */
export function controlResponse(
  control: EmulatorControl,
  hooks: ControlHooks,
  method: string,
  route: string,
  body: unknown,
): ControlResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${route}`) {
      case 'GET statements':
        return ok({ statements: control.statements() });
      case 'GET round-trips':
        return ok({ roundTrips: control.roundTrips() });
      case 'GET grants':
        return ok({ grants: hooks.grants() });
      case 'POST end-sessions':
        hooks.endSessions();
        return ok({ ok: true });
      case 'POST reset':
        control.reset();
        return ok({ ok: true });
      case 'POST latency':
        control.setLatency(Number(b.ms));
        return ok({ ok: true });
      case 'POST fail': {
        const match = (b.match ?? { nth: b.nth, pattern: b.pattern }) as StatementMatch;
        control.failStatement(
          {
            ...(match.nth !== undefined && { nth: Number(match.nth) }),
            ...(typeof match.pattern === 'string' && { pattern: match.pattern }),
          },
          b.error as InjectedError,
        );
        return ok({ ok: true });
      }
      case 'POST drop-between':
        if (typeof b.afterStatementMatching !== 'string' || typeof b.objectFqn !== 'string') {
          return problem(400, 'Bad Request', 'drop-between needs string fields afterStatementMatching and objectFqn');
        }
        control.dropBetween(b.afterStatementMatching, b.objectFqn);
        return ok({ ok: true });
      case 'POST refuse-logins':
        if (typeof b.on !== 'boolean') return problem(400, 'Bad Request', 'refuse-logins needs a boolean field on');
        control.refuseLogins(b.on);
        return ok({ ok: true });
      default:
        return problem(404, 'Not Found', `no control operation ${method} ${CONTROL_PREFIX}${route}`);
    }
  } catch (e) {
    return problem(400, 'Bad Request', (e as Error).message);
  }
}
