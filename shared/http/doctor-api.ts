import type { Verifier } from '../auth/index.js';
import type { DoctorReport } from '../doctor/check.js';
import type { Log } from '../log.js';
import { authProblem } from './auth-problem.js';
import { problem } from './problem.js';
import type { ApiRequest, ApiResponse } from './types.js';

export interface DoctorApiDeps {
  verify: Verifier;
  /** Runs the checks; the route keeps one answer for a while (see below). */
  run: () => Promise<DoctorReport>;
  now?: () => number;
}

/** How long an answer is reused: each run signs in to the warehouse and reads it, so a caller cannot make it do that in a loop. */
export const DOCTOR_ANSWER_TTL_MS = 60_000;

/** `GET /policysync/api/v1/doctor`: the doctor's checks for a verified caller; 200 whatever they found. */
export function doctorRoute(deps: DoctorApiDeps): (req: ApiRequest, log: Log) => Promise<ApiResponse> {
  const now = deps.now ?? Date.now;
  let kept: { at: number; answer: Promise<DoctorReport> } | undefined;
  return async (req, log) => {
    try {
      await deps.verify(req.headers.get('authorization'));
    } catch (err) {
      const refused = authProblem(err, log);
      if (refused) return refused;
      throw err;
    }
    if (!kept || now() - kept.at > DOCTOR_ANSWER_TTL_MS) {
      const answer = deps.run();
      kept = { at: now(), answer };
      answer.catch(() => {
        if (kept?.answer === answer) kept = undefined;
      });
    }
    try {
      return { status: 200, jsonBody: await kept.answer };
    } catch (err) {
      log('error', 'doctor run failed', { error: (err as Error).message });
      return problem(
        500,
        'internal',
        'Internal Server Error',
        'the checks could not run; the service log has the details',
      );
    }
  };
}
