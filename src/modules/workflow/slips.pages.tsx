import type { ViewContext } from '../../platform/http/context.js';
import { slipPaths, type SlipForm } from './slips.js';

/** Links to a dossier's standard documents (PDF downloads), for the officer's and the applicant's dossier pages. */
export function SlipLinks({ ctx, code, forms, side }: { ctx: ViewContext; code: string; forms: readonly (SlipForm | '01')[]; side: 'officer' | 'applicant' }) {
  if (forms.length === 0) return null;
  return (
    <section aria-labelledby="slip-links">
      <h2 id="slip-links">{ctx.t('workflow.slips.link.heading')}</h2>
      <ul>
        {forms.map((form) => (
          <li key={form}>
            <a href={form === '01' ? slipPaths.officer(code, form) : slipPaths[side](code, form)} download>
              {ctx.t(`workflow.slips.link.${form}`)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
