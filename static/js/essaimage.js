// Progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submission, bring keyboard and screen-reader users to the list of errors.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
});
