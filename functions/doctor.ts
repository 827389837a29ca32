import type { HttpFunctionOptions } from '@azure/functions';
import { doctorDeps } from '../shared/doctor/doctor-deps.js';
import { runDoctor } from '../shared/doctor/run-doctor.js';
import { doctorRoute } from '../shared/http/doctor-api.js';
import { appConfig, contextLog } from './services.js';
import { verified } from './task-api.js';

/** `GET /policysync/api/v1/doctor`: `policysync doctor`'s checks, run by the Function App itself, for a verified caller. */
export function doctorFunction(): HttpFunctionOptions {
  return {
    route: 'v1/doctor',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: verified((verify) => {
      const route = doctorRoute({ verify, run: () => runDoctor(doctorDeps(appConfig(), process.env)) });
      return (request, context) => route(request, contextLog(context));
    }),
  };
}
