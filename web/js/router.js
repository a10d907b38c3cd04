// router.js — the app's routes are real paths (the server answers
// index.html for every path without a file extension); moving between them
// is history.pushState plus one window event that useRoute listens to.

import { useEffect, useState } from "/vendor/hooks.mjs";

function currentRoute() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) {
    return;
  }
  history[replace ? "replaceState" : "pushState"](null, "", path);
  window.dispatchEvent(new Event("docket:navigate"));
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("popstate", update);
    window.addEventListener("docket:navigate", update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener("docket:navigate", update);
    };
  }, []);
  return route;
}

// Links inside the app move without a reload.
export function interceptLinks(e) {
  const a = e.target.closest && e.target.closest("a[href^='/']");
  if (
    !a ||
    a.target ||
    a.hasAttribute("download") ||
    a.getAttribute("href").startsWith("/api/") ||
    e.button !== 0 ||
    e.metaKey ||
    e.ctrlKey ||
    e.shiftKey ||
    e.altKey
  ) {
    return;
  }
  e.preventDefault();
  navigate(a.getAttribute("href"));
}
