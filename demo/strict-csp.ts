/**
 * The strict-CSP demo page's only script: logs any CSP or Trusted Types
 * violation the page reports, then loads the elements.
 */
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
await import('../src/index.js');

export {};
