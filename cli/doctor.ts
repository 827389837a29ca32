/** `policysync doctor`: checks the settings in the environment the way the service would run with them. */
import { Command } from 'commander';
import type { DoctorReport } from '../shared/doctor/check.js';
import { EXIT } from './exit-status.js';
import type { Runner } from './follow.js';
import type { Output } from './output.js';

export function doctorCommand(run: Runner): Command {
  return new Command('doctor')
    .description(
      'sign in with the settings in the environment and check storage, the policy source and the warehouse (privileges, visibility, governance schema); exits 1 on any FAIL',
    )
    .action(async () =>
      run(async (out, io) => {
        out.line('checking the settings in the environment (this signs in to storage and the warehouse) ...');
        // The doctor brings the storage SDKs and the service's runtime, a second of loading that no other command needs.
        const { doctorFromEnv } = await import('../shared/doctor/doctor-deps.js');
        return show(await doctorFromEnv(io.env), out);
      }),
    );
}

function show(report: DoctorReport, out: Output): number {
  out.document(report);
  for (const c of report.checks) {
    out.line(`${c.status.padEnd(4)}  ${c.name}: ${c.detail}`);
    if (c.fix && c.status !== 'OK') out.line(`      fix: ${c.fix}`);
  }
  out.line(`doctor: ${report.status}`);
  return report.status === 'FAIL' ? EXIT.FAILED : EXIT.SUCCESS;
}
