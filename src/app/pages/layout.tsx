// The frame every page shares: one stylesheet from /assets (no inline styles, no scripts), a skip link,
// the site header and its navigation. Pages work without JavaScript: they have none.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

/** What the frame needs to know about the site (built once, with the app). */
export interface Site {
  /** The race's name: the site's name. */
  name: string;
  /** The dev mailbox is on (no Resend key): link to it. */
  devMailbox: boolean;
  /** Dev mode (/dev/traces is mounted): the trace view's link. */
  devMode: boolean;
}

export type Section = 'sign-up' | 'admin' | 'mail' | 'traces' | 'none';

export function FlagIcon() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#b93c0c" />
      <path d="M9 6v21" stroke="#fff" stroke-width="2.5" stroke-linecap="round" />
      <path d="M10 7h14v11H10z" fill="#fff" />
      <path
        d="M10 7h3.5v3.67H10zM17 7h3.5v3.67H17zM13.5 10.67H17v3.67h-3.5zM20.5 10.67H24v3.67h-3.5zM10 14.33h3.5V18H10zM17 14.33h3.5V18H17z"
        fill="#0f2036"
      />
    </svg>
  );
}

function NavLink(props: { href: string; current: boolean; children: Child }) {
  return (
    <a href={props.href} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

/** The frame without a race at hand (e.g. the API docs). */
const DEFAULT_SITE: Site = { name: 'finishline', devMailbox: false, devMode: false };

export function Layout(props: {
  title: string;
  site?: Site;
  section?: Section;
  /** Full-width content above <main> (the sign-up page's race banner). */
  banner?: Child;
  /** Stylesheets of the page's own after app.css (ours: the pages' CSP allows only 'self'). */
  stylesheets?: string[];
  children: Child;
}) {
  const section = props.section ?? 'none';
  const site = props.site ?? DEFAULT_SITE;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · ${site.name}`}</title>
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/app.css" />
          {(props.stylesheets ?? []).map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <div class="bar">
              <a class="brand" href="/">
                <FlagIcon />
                <span>{site.name}</span>
              </a>
              <nav class="site-nav" aria-label="Site">
                <NavLink href="/" current={section === 'sign-up'}>
                  Sign up
                </NavLink>
                {site.devMailbox ? (
                  <NavLink href="/dev/mail" current={section === 'mail'}>
                    Mailbox
                  </NavLink>
                ) : null}
                {site.devMode ? (
                  <NavLink href="/dev/traces" current={section === 'traces'}>
                    Traces
                  </NavLink>
                ) : null}
                <NavLink href="/admin" current={section === 'admin'}>
                  Admin
                </NavLink>
              </nav>
            </div>
          </header>
          {props.banner ?? null}
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
          <footer class="site-footer">
            <p>{site.name} · sign-ups by finishline</p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** The site as the frame shows it: the race's name, links to the dev route groups that are mounted. */
export function siteOf(race: { name: string }, routes: { devMailbox: boolean; devTraces: unknown }): Site {
  return { name: race.name, devMailbox: routes.devMailbox, devMode: routes.devTraces !== undefined };
}
