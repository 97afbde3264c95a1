/**
 * The resident's page (served at /resident/, bundled by esbuild with the browser-safe verifier):
 * sign in with the card's files (the key is imported into WebCrypto, non-extractable, and signs the
 * challenge here; it is never sent), the access history with a "verified" mark computed in this
 * browser, the log's key to compare with the published one, and the active consents with a revoke
 * button. The session token lives in this page's memory only.
 */
import { config } from 'zod';
import { agencyName } from '../../../core/directory/agencies.js';
import { ITEM_LABELS, labelOf, OFFICE_WORK_LABELS } from '../../../core/directory/labels.js';
import { base64, readCard } from './card.js';
import { type Language, TEXT, type TextKey } from './i18n.js';
import {
  type CheckpointState,
  checkCheckpoint,
  type HistoryEntry,
  type Verdict,
  verifyEntry,
} from './verification.js';

// The page's CSP has no 'unsafe-eval': zod must not try to compile parsers with new Function.
config({ jitless: true });

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
let language: Language = navigator.language.startsWith('ja') ? 'ja' : 'en';
let token: string | undefined;
let nextBefore: string | null = null;
let shown: Array<{ entry: HistoryEntry; verdict: Verdict }> = [];
let checkpoint: CheckpointState | undefined;
let consents: ConsentView[] = [];

interface ConsentView {
  consentId: string;
  recipient: string;
  purpose: string;
  items: string[];
  validUntil: string;
  status: string;
}
interface ApiError {
  code?: string;
  reason?: string;
  message?: string;
}

const t = (key: TextKey) => TEXT[key][language];

function applyLanguage(): void {
  document.documentElement.lang = language;
  document.title = `${language === 'ja' ? 'つなぎ' : 'Tsunagi'} — ${t('title')}`;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    element.textContent = t(element.dataset.i18n as TextKey);
  const toggle = $('#language');
  toggle.textContent = language === 'ja' ? 'English' : '日本語';
  toggle.lang = language === 'ja' ? 'en' : 'ja';
  const item = $<HTMLSelectElement>('#item');
  const selected = item.value;
  item.replaceChildren(
    option('', t('anyItem')),
    ...Object.keys(ITEM_LABELS).map((code) => option(code, labelOf(ITEM_LABELS, code)[language])),
  );
  item.value = selected;
  renderEntries();
  renderConsents();
  $('#status').textContent = lastStatus();
}

function option(value: string, text: string): HTMLOptionElement {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  return element;
}

// The status line is re-said in the other language when the resident switches.
let lastStatus: () => string = () => '';
function say(message: string | (() => string)): void {
  lastStatus = typeof message === 'string' ? () => message : message;
  $('#status').textContent = lastStatus();
}

function alertWith(message: string | undefined): void {
  const alert = $('#alert');
  alert.hidden = message === undefined;
  alert.textContent = message ?? '';
}

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (response.status === 401 && token) signedOutLocally('sessionEnded');
  return { status: response.status, body };
}

// Sign-in ---------------------------------------------------------------------------------------

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  alertWith(undefined);
  const [certificateFile] = $<HTMLInputElement>('#certificate').files ?? [];
  const [keyFile] = $<HTMLInputElement>('#key').files ?? [];
  if (!certificateFile || !keyFile) return alertWith(t('filesMissing'));
  const card = await readCard(await certificateFile.text(), await keyFile.text());
  if ('error' in card) return alertWith(t(card.error));
  say(() => t('signingIn'));
  const issued = await api('/v1/resident/challenge', { method: 'POST' });
  if (issued.status !== 200) return refused(issued.body as ApiError);
  const { challengeId, challenge } = issued.body as { challengeId: string; challenge: string };
  const signature = await card.sign(challenge);
  const answer = await api('/v1/resident/sign-in', {
    method: 'POST',
    body: JSON.stringify({
      challengeId,
      certificate: base64(card.certificate),
      signature: base64(signature),
    }),
  });
  if (answer.status !== 200) return refused(answer.body as ApiError);
  token = (answer.body as { token: string }).token;
  $<HTMLFormElement>('#sign-in-form').reset();
  $('#sign-in').hidden = true;
  $('#history').hidden = false;
  say(() => t('signedIn'));
  $('#history-heading').tabIndex = -1;
  $('#history-heading').focus();
  await Promise.all([loadHistory(true), loadConsents()]);
}

function refused(body: ApiError): void {
  say('');
  alertWith(`${t('refused')}: ${body.reason ?? body.code ?? ''} — ${body.message ?? ''}`);
}

function signedOutLocally(message: TextKey): void {
  token = undefined;
  shown = [];
  consents = [];
  $('#history').hidden = true;
  $('#sign-in').hidden = false;
  say(() => t(message));
  $('#sign-in-heading').tabIndex = -1;
  $('#sign-in-heading').focus();
}

async function signOut(): Promise<void> {
  await api('/v1/resident/sign-out', { method: 'POST' });
  signedOutLocally('signedOut');
}

// History ----------------------------------------------------------------------------------------

async function loadHistory(reset: boolean): Promise<void> {
  say(() => t('loading'));
  const query = new URLSearchParams();
  for (const field of ['from', 'to', 'agency', 'item']) {
    const value = $<HTMLInputElement>(`#${field}`).value.trim();
    if (value) query.set(field, value);
  }
  if (!reset && nextBefore) query.set('before', nextBefore);
  const answer = await api(`/v1/resident/history?${query}`);
  if (answer.status !== 200) return refused(answer.body as ApiError);
  const page = answer.body as {
    entries: HistoryEntry[];
    nextBefore: string | null;
    checkpoint: string | null;
    residentKey: string;
  };
  nextBefore = page.nextBefore;
  const keyText = (await api('/v1/trail/verifier-key')).body as string;
  $('#verifier-key').textContent = keyText.trim();
  checkpoint = await checkCheckpoint(keyText, page.checkpoint, (size1, size2) =>
    api(`/v1/trail/proofs/consistency?size1=${size1}&size2=${size2}`).then((r) => r.body),
  );
  $('#checkpoint-summary').textContent = checkpoint.summary;
  alertWith(
    checkpoint.ok ? undefined : `${t('checkpointFailed')}: ${checkpoint.reason} — ${checkpoint.detail}`,
  );
  const verified = await Promise.all(
    page.entries.map(async (entry) => ({
      entry,
      verdict: await verifyEntry(entry, checkpoint, page.residentKey),
    })),
  );
  shown = reset ? verified : [...shown, ...verified];
  renderEntries();
  const ok = shown.filter((s) => s.verdict.kind === 'verified').length;
  say(() =>
    language === 'ja' ? `${shown.length}${t('loaded')}${ok}）` : `${shown.length}${t('loaded')}${ok})`,
  );
}

const when = (iso: string) =>
  new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'Asia/Tokyo',
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(new Date(iso));

function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderEntries(): void {
  const body = $<HTMLTableSectionElement>('#accesses tbody');
  body.replaceChildren();
  for (const { entry, verdict } of shown) {
    const row = body.insertRow();
    row.dataset.eventId = entry.eventId;
    const time = cell(row, when(entry.recordedAt));
    // Shown now that its non-disclosure period (e.g. an investigation) is over.
    if (entry.nonDisclosureUntil) time.append(reasonSpan(`${t('hiddenUntil')} ${entry.nonDisclosureUntil}`));
    cell(row, agencyName(entry.agency.id)[language]);
    cell(row, entry.item[language]);
    const basis = entry.legalBasisRowId ? `${t('basis')} ${entry.legalBasisRowId}` : t('noBasis');
    cell(row, `${labelOf(OFFICE_WORK_LABELS, entry.officeWork.code)[language]} (${basis})`);
    const outcome = cell(row, entry.outcome[language], entry.outcome.code === 'DISCLOSED' ? '' : 'refused');
    if (entry.refusalReason) outcome.append(reasonSpan(entry.refusalReason));
    const mark = cell(row, '', verdict.kind);
    mark.append(
      t(
        verdict.kind === 'verified'
          ? 'verifiedMark'
          : verdict.kind === 'failed'
            ? 'failedMark'
            : 'pendingMark',
      ),
    );
    if (verdict.kind === 'failed') mark.append(reasonSpan(`${verdict.reason}: ${verdict.detail}`));
  }
  $('#empty').hidden = shown.length > 0;
  $('#more').hidden = nextBefore === null;
}

function reasonSpan(text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'reason';
  span.textContent = text;
  return span;
}

// Consents ---------------------------------------------------------------------------------------

async function loadConsents(): Promise<void> {
  const answer = await api('/v1/resident/consents');
  if (answer.status !== 200) return refused(answer.body as ApiError);
  consents = (answer.body as { consents: ConsentView[] }).consents.filter((c) => c.status === 'ACTIVE');
  renderConsents();
}

function renderConsents(): void {
  const body = $<HTMLTableSectionElement>('#consents tbody');
  body.replaceChildren();
  for (const consent of consents) {
    const row = body.insertRow();
    row.dataset.consentId = consent.consentId;
    const recipient = agencyName(consent.recipient)[language];
    cell(row, recipient);
    cell(row, labelOf(OFFICE_WORK_LABELS, consent.purpose)[language]);
    cell(row, consent.items.map((i) => labelOf(ITEM_LABELS, i)[language]).join(', '));
    cell(row, when(consent.validUntil));
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t('revoke');
    button.setAttribute(
      'aria-label',
      `${t('revokeLabel')}${recipient} ${labelOf(OFFICE_WORK_LABELS, consent.purpose)[language]}`,
    );
    button.addEventListener('click', () => void revoke(consent.consentId));
    row.insertCell().append(button);
  }
  $('#no-consents').hidden = consents.length > 0;
}

async function revoke(consentId: string): Promise<void> {
  const answer = await api(`/v1/resident/consents/${encodeURIComponent(consentId)}/revoke`, {
    method: 'POST',
    body: '{}',
    headers: { 'idempotency-key': `page-${crypto.randomUUID()}` },
  });
  if (answer.status !== 200) return refused(answer.body as ApiError);
  await loadConsents();
  say(() => t('revoked'));
  $('#consents-heading').tabIndex = -1;
  $('#consents-heading').focus();
}

// Wiring -----------------------------------------------------------------------------------------

$('#sign-in-form').addEventListener('submit', (event) => void signIn(event as SubmitEvent));
$('#sign-out').addEventListener('click', () => void signOut());
$('#filter').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadHistory(true);
});
$('#more').addEventListener('click', () => void loadHistory(false));
$('#language').addEventListener('click', () => {
  language = language === 'ja' ? 'en' : 'ja';
  applyLanguage();
});
applyLanguage();
