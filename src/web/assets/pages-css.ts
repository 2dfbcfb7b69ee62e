/**
 * The stylesheet of the console and the setup portal. It lives in a module
 * so the TypeScript build ships it in dist/ with the code that serves it:
 * no asset pipeline, nothing fetched from elsewhere, system fonts only.
 * Colours keep at least 4.5:1 contrast against their backgrounds.
 */
export const PAGES_CSS = `
:root { --ink: #1b1f24; --muted: #4d5661; --line: #d0d7de; --bg: #f6f8fa; --card: #ffffff; --accent: #0b5cad; --accent-ink: #ffffff;
  --ok: #116329; --ok-bg: #dafbe1; --warn: #7d4e00; --warn-bg: #fff8c5; --bad: #a40e26; --bad-bg: #ffebe9; --focus: #f59e0b; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.5; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1.25rem; background: #13294b; color: #fff; }
header.top a, header.top button.link { color: #fff; }
.brand { font-weight: 700; font-size: 1.1rem; }
.area { font-weight: 400; opacity: .9; margin-left: .25rem; }
nav.main ul, nav.tabs ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
nav.main { flex: 1; }
nav.main form { display: inline; }
main { max-width: 1200px; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.6rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .75rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
nav.tabs { margin: 0 0 1rem; border-bottom: 1px solid var(--line); padding-bottom: .5rem; }
nav.tabs a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration: none; border-bottom: 3px solid var(--accent); }
.table-wrap { overflow-x: auto; margin-bottom: 1rem; }
caption { text-align: left; padding: .25rem 0; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
pre { background: #f0f3f6; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; word-break: break-word; }
label { display: block; font-weight: 600; margin: .5rem 0 .2rem; }
.hint { color: var(--muted); font-size: .9rem; margin: .1rem 0 .4rem; }
input[type=text], input[type=password], input[type=url], input[type=search], input[type=number], select, textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #8c959f; border-radius: 6px; width: 100%; max-width: 36rem; background: #fff; color: var(--ink); }
button, .button { font: inherit; padding: .45rem .9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.link { background: none; border: none; padding: 0; text-decoration: underline; color: var(--accent); }
form.inline { display: inline-flex; flex-wrap: wrap; gap: .4rem; align-items: end; margin: 0; }
form.inline label { margin: 0; font-weight: 400; }
form.inline select, form.inline input[type=text] { width: auto; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
.filters > div { min-width: 9rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .75rem; align-items: center; }
.badge { white-space: nowrap; display: inline-block; padding: 0 .45rem; border-radius: 999px; font-weight: 600; font-size: .85rem; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.notice { padding: .6rem .9rem; border-radius: 6px; border: 1px solid var(--line); }
.notice.ok { background: var(--ok-bg); color: var(--ok); border-color: #9fd6ad; }
.notice.error { background: var(--bad-bg); color: var(--bad); border-color: #f2a7a7; }
.notice.info { background: #ddf4ff; color: #0a3069; border-color: #9fd0f2; }
.once { background: var(--warn-bg); border: 1px solid #d4a72c; border-radius: 8px; padding: .75rem 1rem; margin: 1rem 0; }
.copyable { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.copyable code { background: #fff; border: 1px solid var(--line); padding: .3rem .5rem; border-radius: 4px; word-break: break-all; }
.muted { color: var(--muted); }
.grid { margin-bottom: 1rem; display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
.stat .value { font-size: 1.3rem; font-weight: 700; }
.stat .label { color: var(--muted); font-size: .85rem; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); font-weight: 600; }
dl.facts dd { margin: 0; word-break: break-word; }
ol.steps > li { margin-bottom: .75rem; }
.idp-picker { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 0 0 .75rem; }
ol.steps p, .notice, .once p, td code, dd code { overflow-wrap: anywhere; }
.idp-picker a { padding: .35rem .75rem; border: 1px solid var(--line); border-radius: 999px; background: #fff; text-decoration: none; }
.idp-picker a[aria-current="page"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.sign-in { max-width: 30rem; margin: 3rem auto; }
@media (max-width: 760px) {
  main { padding: .75rem; }
  .side-by-side { grid-template-columns: 1fr; }
  header.top { padding: .6rem .75rem; }
  th, td { padding: .35rem .4rem; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border-bottom: 2px solid var(--line); padding: .3rem 0; }
  table.stack td { display: flex; gap: .5rem; border: none; padding: .15rem .4rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
  table.stack td::before { content: attr(data-label); font-weight: 600; color: var(--muted); min-width: 7rem; }
}
`;
