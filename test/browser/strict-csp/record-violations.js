// Loaded first, as a classic script, so it hears every violation the page reports, parsing included.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`.trim());
});
