// The one stylesheet, served at /assets/app.css from this constant (workerd has no filesystem, and
// there is no build step). The pages' CSP allows styles from 'self' only: no inline styles anywhere.
// Colours are chosen for WCAG AA contrast (text ≥ 4.5:1, controls ≥ 3:1).

export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{
  --ink:#16202c;--muted:#556070;--line:#d5dbe3;--field:#6b7683;--bg:#f4f6f9;--surface:#fff;
  --navy:#0f2036;--navy-2:#1a3354;--accent:#b93c0c;--accent-dark:#8f2e08;--accent-soft:#fff3ec;
  --focus:#1d4ed8;--danger:#b42318;--danger-soft:#fef3f2;--ok:#05603a;--ok-soft:#e9f8ef;
  --warn:#8a4b00;--warn-soft:#fff6e0;--info:#1e4fb8;--info-soft:#eaf1ff;
  --radius:12px;--shadow:0 1px 2px rgba(16,32,54,.06),0 4px 16px rgba(16,32,54,.06);
}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--info)}
a:hover{color:var(--navy)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
h1,h2,h3{line-height:1.2;margin:0 0 .5rem}
h1{font-size:clamp(1.75rem,4vw,2.5rem);letter-spacing:-.02em}
h2{font-size:1.3rem}
h3{font-size:1.05rem}
p{margin:0 0 1rem}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f5;padding:.1em .35em;border-radius:4px}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.skip-link{position:absolute;left:1rem;top:-3rem;background:var(--surface);color:var(--ink);padding:.5rem 1rem;border-radius:8px;z-index:10}
.skip-link:focus{top:.75rem}

/* header and footer */
.site-header{background:var(--navy);color:#fff}
.site-header .bar{max-width:68rem;margin:0 auto;padding:.85rem 1.25rem;display:flex;align-items:center;gap:1rem;flex-wrap:wrap}
.brand{display:flex;align-items:center;gap:.6rem;color:#fff;text-decoration:none;font-weight:700;font-size:1.05rem;margin-right:auto}
.brand:hover{color:#fff}
.brand svg{width:1.75rem;height:1.75rem;flex:none}
.site-nav{display:flex;gap:.25rem;flex-wrap:wrap}
.site-nav a{color:#dbe4f0;text-decoration:none;padding:.4rem .75rem;border-radius:8px;font-weight:500}
.site-nav a:hover{background:var(--navy-2);color:#fff}
.site-nav a[aria-current="page"]{background:var(--navy-2);color:#fff;box-shadow:inset 0 -2px 0 #ff9a6b}
.site-footer{max-width:68rem;margin:0 auto;padding:2rem 1.25rem 3rem;color:var(--muted);font-size:.875rem}
main{display:block;max-width:68rem;margin:0 auto;padding:1.75rem 1.25rem}
main:focus{outline:none}

/* the race */
.hero{background:linear-gradient(135deg,var(--navy) 0%,var(--navy-2) 55%,#7a2a0b 130%);color:#fff}
.hero .inner{max-width:68rem;margin:0 auto;padding:2.25rem 1.25rem 2.5rem}
.hero .eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:.8rem;font-weight:700;color:#ffc9ae;margin:0 0 .5rem}
.hero h1{margin-bottom:.75rem}
.hero .facts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:0;padding:0;list-style:none;color:#e6edf6;font-weight:500}
.hero .facts li{display:flex;align-items:center;gap:.4rem}
.hero .facts svg{width:1.1rem;height:1.1rem;flex:none}

.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;align-items:start}
.card{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow);padding:1.5rem}
.card + .card{margin-top:1.5rem}
.layout > .card{margin:0}
.card > :last-child{margin-bottom:0}
.lead{font-size:1.075rem;color:var(--muted)}
.muted{color:var(--muted)}
.small{font-size:.875rem}

/* forms */
form.stack > * + *{margin-top:1.1rem}
.field label,.legend{display:block;font-weight:600;margin-bottom:.3rem}
.hint{display:block;color:var(--muted);font-size:.875rem;margin:-.15rem 0 .35rem}
.row{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.row > .field{margin:0}
input[type=text],input[type=email],input[type=password],input[type=search],select,textarea{
  display:block;width:100%;font:inherit;color:var(--ink);background:#fff;border:1px solid var(--field);border-radius:8px;
  padding:.65rem .75rem;min-height:2.875rem}
textarea{min-height:5.5rem;resize:vertical}
input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--focus);outline-offset:1px;border-color:var(--focus)}
input[aria-invalid="true"],textarea[aria-invalid="true"],select[aria-invalid="true"]{border-color:var(--danger);border-width:2px;background:#fffbfa}
.error-message{display:block;color:var(--danger);font-weight:600;font-size:.925rem;margin-top:.35rem}
.error-message::before{content:"";display:inline-block;width:.5rem;height:.5rem;border-radius:50%;background:var(--danger);margin-right:.45rem;vertical-align:.1em}
.field-action{margin:.6rem 0 0;display:flex;flex-wrap:wrap;align-items:center;gap:.35rem .6rem;font-size:.925rem}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{padding:0}
.choices{display:grid;gap:.6rem}
.choice{display:flex;align-items:center;gap:.85rem;border:1px solid var(--field);border-radius:10px;padding:.8rem 1rem;cursor:pointer;background:#fff}
.choice:hover{border-color:var(--navy-2)}
.choice input{width:1.25rem;height:1.25rem;margin:0;accent-color:var(--accent);flex:none}
.choice .what{display:block;font-weight:600}
.choice .when{display:block;color:var(--muted);font-size:.9rem}
.choice .spots{margin-left:auto;text-align:right;font-size:.875rem;font-weight:600;color:var(--ok);white-space:nowrap}
.choice .spots.few{color:var(--warn)}
.choice:has(input:checked){border-color:var(--accent);border-width:2px;padding:calc(.8rem - 1px) calc(1rem - 1px);background:var(--accent-soft)}
.choice:has(input:focus-visible){outline:3px solid var(--focus);outline-offset:2px}
.choice.sold-out{cursor:not-allowed;background:#f1f3f6;border-style:dashed}
.choice.sold-out .what{color:var(--muted)}
.choice.sold-out .spots{color:var(--muted)}
fieldset[aria-invalid="true"] .choice{border-color:var(--danger)}

.button{display:inline-flex;align-items:center;justify-content:center;gap:.5rem;font:inherit;font-weight:650;border-radius:8px;
  border:1px solid transparent;padding:.7rem 1.35rem;min-height:2.875rem;cursor:pointer;text-decoration:none;background:var(--accent);color:#fff}
.button:hover{background:var(--accent-dark);color:#fff}
.button.secondary{background:#fff;color:var(--navy);border-color:var(--field)}
.button.secondary:hover{background:#eef1f5;color:var(--navy)}
.button.small{padding:.35rem .8rem;min-height:2.25rem;font-size:.9rem}
.button.block{width:100%}

/* messages */
.alert{border-radius:10px;padding:1rem 1.15rem;margin-bottom:1.25rem;border:1px solid;border-left-width:5px}
.alert h2{font-size:1.05rem;margin-bottom:.35rem}
.alert ul{margin:.25rem 0 0;padding-left:1.2rem}
.alert > :last-child{margin-bottom:0}
.alert.error{background:var(--danger-soft);border-color:#f3b8b2;border-left-color:var(--danger)}
.alert.error a{color:var(--danger);font-weight:600}
.alert.ok{background:var(--ok-soft);border-color:#a6e0bf;border-left-color:var(--ok)}
.alert.info{background:var(--info-soft);border-color:#b8cdf5;border-left-color:var(--info)}

/* the aside */
.steps{list-style:none;margin:0;padding:0;counter-reset:step}
.steps li{position:relative;padding-left:2.5rem;margin-bottom:1rem;counter-increment:step}
.steps li::before{content:counter(step);position:absolute;left:0;top:0;width:1.75rem;height:1.75rem;border-radius:50%;
  background:var(--navy);color:#fff;font-weight:700;font-size:.9rem;display:flex;align-items:center;justify-content:center}
.steps li:last-child{margin-bottom:0}
.steps strong{display:block}

/* confirmation */
.confirmation{max-width:44rem;margin:0 auto}
.confirmation .address{overflow-wrap:anywhere}
.confirmation .tick{width:3.25rem;height:3.25rem;border-radius:50%;background:var(--ok-soft);color:var(--ok);display:flex;align-items:center;justify-content:center;margin-bottom:1rem}
.confirmation .tick svg{width:1.9rem;height:1.9rem}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.6rem 1.5rem;margin:1.25rem 0}
dl.details dt{color:var(--muted);font-weight:500}
dl.details dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.status{display:flex;gap:1rem;align-items:flex-start;border-top:1px solid var(--line);padding-top:1.25rem;margin-top:1.25rem}
.status p{margin:.25rem 0 0}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}

.badge{display:inline-block;border-radius:999px;padding:.15rem .65rem;font-size:.825rem;font-weight:700;white-space:nowrap;border:1px solid}
.badge.sent{background:var(--ok-soft);color:var(--ok);border-color:#a6e0bf}
.badge.sending{background:var(--info-soft);color:var(--info);border-color:#b8cdf5}
.badge.retrying{background:var(--warn-soft);color:var(--warn);border-color:#f1d38b}
.badge.failed{background:var(--danger-soft);color:var(--danger);border-color:#f3b8b2}
.badge.not_tracked{background:#eef1f5;color:#414b58;border-color:#cfd6df}
.badge.cancelled{background:#eef1f5;color:#414b58;border-color:#cfd6df}
.badge.status-registered{background:var(--ok-soft);color:var(--ok);border-color:#a6e0bf}
.badge.status-offered{background:var(--info-soft);color:var(--info);border-color:#b8cdf5}
.badge.status-waitlisted{background:var(--warn-soft);color:var(--warn);border-color:#f1d38b}
.badge.status-gone{background:#eef1f5;color:#414b58;border-color:#cfd6df}
.actions form{display:contents}

/* admin */
.page-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;margin-bottom:1.25rem}
.page-head h1{margin:0}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:1rem;margin:0 0 1.5rem;padding:0;list-style:none}
.stat{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.1rem;box-shadow:var(--shadow)}
.stat .label{display:block;color:var(--muted);font-size:.875rem;font-weight:600}
.stat .value{display:block;font-size:1.75rem;font-weight:750;letter-spacing:-.02em}
.stat .of{font-size:.95rem;color:var(--muted);font-weight:500}
.stat.danger .value{color:var(--danger)}
progress{display:block;width:100%;height:.5rem;margin-top:.5rem;border:0;border-radius:999px;background:#e6eaf0;overflow:hidden;-webkit-appearance:none;appearance:none}
progress::-webkit-progress-bar{background:#e6eaf0;border-radius:999px}
progress::-webkit-progress-value{background:var(--accent);border-radius:999px}
progress::-moz-progress-bar{background:var(--accent);border-radius:999px}
.section-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;margin-bottom:1rem}
.section-head h2{margin:0}
.toolbar{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.75rem;margin-bottom:1rem}
.toolbar .field{flex:1 1 14rem;margin:0}
.toolbar .field.narrow{flex:0 1 12rem}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:10px}
table{width:100%;border-collapse:collapse;font-size:.925rem;background:#fff}
th,td{text-align:left;padding:.65rem .8rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f0f3f7;font-weight:650;white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tbody tr:nth-child(even) td{background:#fafbfc}
td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
td.error-text{color:var(--danger);max-width:22rem;overflow-wrap:anywhere}
.empty{color:var(--muted);padding:1rem 0;margin:0}
.pager{display:flex;gap:.75rem;justify-content:flex-end;margin-top:1rem}
.signin{max-width:26rem;margin:2rem auto}
.stat .detail{display:block;margin-top:.45rem;color:var(--muted);font-size:.825rem}
details.confirm{margin-top:.45rem}
details.confirm summary{list-style:none;cursor:pointer}
details.confirm summary::-webkit-details-marker{display:none}
details.confirm form{margin-top:.4rem}
.button.danger{background:var(--danger);color:#fff}
.button.danger:hover{background:#912018;color:#fff}

/* dev mailbox */
.message .meta{color:var(--muted);font-size:.9rem;margin-bottom:1rem;overflow-wrap:anywhere}
.parts{display:grid;gap:1.25rem}
.parts h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin-bottom:.4rem}
.part-head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem;margin-bottom:.4rem}
.part-head h3{margin:0}
.part-head a{font-size:.9rem}
/* Each frame's height comes from /dev/mail/frames.css (the email's estimated height); this is the fallback. */
.mail-frame{display:block;width:100%;height:32rem;border:1px solid var(--line);border-radius:8px;background:#fff}
.parts pre{margin:0;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border:1px solid var(--line);border-radius:8px;padding:.85rem;font:.85rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}

/* dev traces (waterfalls: SVG rects, no inline styles) */
.trace h2{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.trace .meta{font-size:.9rem;overflow-wrap:anywhere}
table.waterfall th,table.waterfall td{padding:.3rem .6rem}
table.waterfall td.num{text-align:right;white-space:nowrap}
.wf-name{font-weight:500;white-space:nowrap;background:transparent}
tbody tr:nth-child(even) th.wf-name{background:#fafbfc}
.wf-name.depth-1{padding-left:1.4rem}
.wf-name.depth-2{padding-left:2.4rem}
.wf-name.depth-3{padding-left:3.4rem}
.wf-name.depth-4,.wf-name.depth-5{padding-left:4.4rem}
.wf-detail{color:var(--muted);font-weight:400;font-size:.85rem}
.wf-timeline{width:45%;min-width:14rem}
.wf-bar{display:block;width:100%;height:1rem}
.wf-rect.request{fill:var(--navy)}
.wf-rect.own{fill:var(--info)}
.wf-rect.background{fill:var(--accent)}
.wf-rect.error{fill:var(--danger)}
.wf-marker{stroke:var(--ok);stroke-width:2;stroke-dasharray:3 2}
tr.wf-response th,tr.wf-response td{color:var(--ok);font-weight:650;border-top:2px dashed var(--ok)}
tr.wf-section th{background:var(--accent-soft);color:var(--accent-dark);font-weight:650}

/* API reference (/docs) */
.operation{background:var(--surface);border:1px solid var(--line);border-radius:10px;padding:1rem 1.15rem;margin:0 0 1rem}
.method{display:inline-block;min-width:3.75rem;text-align:center;border-radius:6px;padding:.1rem .5rem;font:700 .8rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-transform:uppercase;background:#eef1f5;color:#414b58}
.method-get{background:var(--info-soft);color:var(--info)}
.method-post{background:var(--ok-soft);color:var(--ok)}
.method-delete{background:var(--danger-soft);color:var(--danger)}

/* errors */
.error-page{max-width:36rem;margin:2rem auto;text-align:center}
.error-page .code{font-size:.9rem;font-weight:700;letter-spacing:.12em;color:var(--accent);text-transform:uppercase}

@media (max-width:52rem){
  .layout{grid-template-columns:1fr}
}
@media (max-width:36rem){
  main{padding:1.25rem 1rem}
  .hero .inner{padding:1.5rem 1rem 1.75rem}
  .site-header .bar{padding:.7rem 1rem}
  .card{padding:1.15rem}
  .row{grid-template-columns:1fr;gap:1.1rem}
  .button.wide-on-phone{width:100%}
  .choice{flex-wrap:wrap;row-gap:.2rem}
  .choice .spots{flex-basis:100%;margin-left:2.1rem;text-align:left}
  dl.details{grid-template-columns:1fr;gap:.1rem}
  dl.details dd{margin-bottom:.6rem}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;

/** The favicon: a chequered finish flag (no request leaves the app for it). */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#b93c0c"/><path d="M9 6v21" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/><path d="M10 7h14v11H10z" fill="#fff"/><path d="M10 7h3.5v3.67H10zM17 7h3.5v3.67H17zM13.5 10.67H17v3.67h-3.5zM20.5 10.67H24v3.67h-3.5zM10 14.33h3.5V18H10zM17 14.33h3.5V18H17z" fill="#0f2036"/></svg>`;
