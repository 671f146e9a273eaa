/**
 * Records every `securitypolicyviolation` event of the page, for the Node-side test to read
 * from `window.__csp` with `page.evaluate`. main.tsx imports this module first, so the listener
 * is in place before any library module runs.
 *
 * main.tsx must use the exported binding: the package.json `sideEffects` list names only CSS
 * files, so a bare `import './cspProbe'` is dropped from the production bundle.
 */

/** The JSON-safe part of a SecurityPolicyViolationEvent. */
export interface CspViolation {
  effectiveDirective: string;
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
  /** First characters of the offending inline code or style, when the browser shares them. */
  sample: string;
  disposition: string;
}

/** What the fixture page exposes as `window.__csp`. */
export interface CspProbe {
  readonly violations: CspViolation[];
}

declare global {
  interface Window {
    __csp?: CspProbe;
  }
}

/** Starts recording; the listener lives inside the call so the bundler must keep it with the value. */
function listen(): CspProbe {
  const probe: CspProbe = { violations: [] };
  // Capture on the document: the event is fired at the offending element (or the document) and
  // bubbles, so this sees violations anywhere in the page.
  document.addEventListener(
    'securitypolicyviolation',
    (e) => {
      probe.violations.push({
        effectiveDirective: e.effectiveDirective,
        violatedDirective: e.violatedDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        lineNumber: e.lineNumber,
        sample: e.sample,
        disposition: e.disposition,
      });
    },
    true,
  );
  return probe;
}

/** The page's record of violations; main.tsx exposes it as `window.__csp`. */
export const cspProbe: CspProbe = listen();
