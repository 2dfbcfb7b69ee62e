/** One identity provider's setup guide (src/setup-portal-content/idp-steps.ts) as the portal shows it, with the tenant's own base URL. */
import { fieldText, type IdpSetupGuide } from '../../setup-portal-content/idp-steps.js';
import { html, type SafeHtml } from '../html.js';

export function guideView(guide: IdpSetupGuide, baseUrl: string): SafeHtml {
  const steps = guide.steps.map(
    (step) => html`<li><strong>${step.title}</strong> <span class="muted">· ${step.location}</span><p>${step.description}</p>
${step.fields.length === 0
  ? ''
  : html`<dl class="facts fields">${step.fields.map(
      (field) => html`<dt>${field.label}</dt><dd>${field.value.kind === 'baseUrl' ? html`<code>${fieldText(field.value, { baseUrl })}</code>` : fieldText(field.value, { baseUrl })}${field.note !== undefined ? html`<span class="hint"> ${field.note}</span>` : ''}</dd>`,
    )}</dl>`}</li>`,
  );
  return html`<h3>${guide.name}</h3>
<p>${guide.summary}</p>
${guide.before.length > 0 ? html`<h4>Before you start</h4><ul>${guide.before.map((line) => html`<li>${line}</li>`)}</ul>` : ''}
<h4>Steps</h4>
<ol class="steps">${steps}</ol>
${guide.attributes.length > 0
  ? html`<h4>Attributes</h4><div class="table-wrap"><table class="stack"><thead><tr><th>SCIM attribute</th><th>Filled from</th><th>Note</th></tr></thead><tbody>
${guide.attributes.map((attribute) => html`<tr><td data-label="SCIM attribute"><code>${attribute.scimAttribute}</code></td><td data-label="Filled from">${attribute.source}</td><td data-label="Note">${attribute.note ?? ''}</td></tr>`)}
</tbody></table></div>`
  : ''}
<h4>Groups</h4><p>${guide.groups}</p>
<h4>What the connection test sends</h4><p>${guide.connectionTest}</p>
${guide.notes.length > 0 ? html`<h4>Good to know</h4><ul>${guide.notes.map((note) => html`<li>${note}</li>`)}</ul>` : ''}`;
}
