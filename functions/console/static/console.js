// The review console in the browser: sign in (Cognito InitiateAuth through /console/auth), keep the ID token in this
// tab's sessionStorage only, and fetch every page and form with it as a bearer token into <main>. No inline script.
"use strict";
const TOKEN = "kyc-console-token";

function showSignIn(message) {
  sessionStorage.removeItem(TOKEN);
  location.assign("/console" + (message ? "#expired" : ""));
}

function swap(html, url) {
  const page = new DOMParser().parseFromString(html, "text/html").querySelector("main");
  if (!page) return;
  document.querySelector("main").replaceWith(page);
  document.getElementById("who").textContent = page.dataset.user || "";
  document.getElementById("signout").hidden = false;
  if (url) history.pushState({ url: url }, "", "/console#" + url);  // the page's address stays the shell's
}

async function go(url, init, push) {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return showSignIn(false);
  const options = Object.assign({}, init || {});
  options.headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
  const response = await fetch(url, options);
  if (response.status === 401) return showSignIn(true);
  swap(await response.text(), push === false ? null : url);
}

// The page the address links (an e-mail's link to a case: /console#/console/cases/<id>), else the queue.
function linkedPage() {
  return location.hash.startsWith("#/console/") ? location.hash.slice(1) : "/console/queue";
}

async function signIn(form) {
  const message = document.getElementById("message");
  const body = {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: document.body.dataset.clientId,
    AuthParameters: { USERNAME: form.username.value, PASSWORD: form.password.value },
  };
  const response = await fetch("/console/auth", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.AuthenticationResult) {
    message.textContent = "Sign-in failed: check the user name and password.";
    return;
  }
  sessionStorage.setItem(TOKEN, answer.AuthenticationResult.IdToken);
  go(linkedPage());
}

async function download(url) {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return showSignIn(false);
  const response = await fetch(url, { headers: { Authorization: "Bearer " + token } });
  if (response.status === 401) return showSignIn(true);
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const anchor = document.createElement("a");
  anchor.href = URL.createObjectURL(await response.blob());
  anchor.download = name ? name[1] : "trail";
  anchor.click();
  URL.revokeObjectURL(anchor.href);
}

// The evidence viewer: per image a zoom, a quarter-turn count and a pan offset, shown as one CSS transform (set
// through the CSSOM, which the CSP allows; never a style attribute). Kept per <img>: a new page starts afresh.
const VIEWS = new WeakMap();
const ZOOM = { step: 1.25, min: 0.5, max: 8 };

function viewOf(img) {
  if (!VIEWS.has(img)) VIEWS.set(img, { scale: 1, turns: 0, x: 0, y: 0 });
  return VIEWS.get(img);
}

function showView(img) {
  const v = viewOf(img);
  const plain = v.scale === 1 && v.turns % 4 === 0 && !v.x && !v.y;
  img.style.transform = plain ? "" : `translate(${v.x}px, ${v.y}px) rotate(${v.turns * 90}deg) scale(${v.scale})`;
  img.classList.toggle("zoomed", v.scale > 1);
}

function changeView(button) {
  const img = document.getElementById(button.dataset.image);
  if (!img) return;
  const v = viewOf(img);
  const op = button.dataset.view;
  if (op === "zoom-in") v.scale = Math.min(ZOOM.max, v.scale * ZOOM.step);
  else if (op === "zoom-out") v.scale = Math.max(ZOOM.min, v.scale / ZOOM.step);
  else if (op === "rotate") v.turns = (v.turns + 1) % 4;
  else if (op === "reset") Object.assign(v, { scale: 1, turns: 0, x: 0, y: 0 });
  if (v.scale <= 1) Object.assign(v, { x: 0, y: 0 });  // nothing to pan at or below the frame's size
  showView(img);
}

let dragging = null;  // the image being panned, and where the pointer was
document.addEventListener("pointerdown", (event) => {
  const img = event.target.closest(".evidence img");
  if (!img || viewOf(img).scale <= 1) return;
  dragging = { img: img, x: event.clientX, y: event.clientY };
  img.setPointerCapture(event.pointerId);
  img.classList.add("dragging");
});
document.addEventListener("pointermove", (event) => {
  if (!dragging) return;
  const v = viewOf(dragging.img);
  v.x += event.clientX - dragging.x;
  v.y += event.clientY - dragging.y;
  Object.assign(dragging, { x: event.clientX, y: event.clientY });
  showView(dragging.img);
});
document.addEventListener("pointerup", () => {
  if (dragging) dragging.img.classList.remove("dragging");
  dragging = null;
});

document.addEventListener("click", (event) => {
  const tool = event.target.closest("button[data-view]");
  if (tool) return changeView(tool);
  const file = event.target.closest("a[data-download]");
  if (file) {
    event.preventDefault();
    return download(file.getAttribute("href"));
  }
  const link = event.target.closest("a[data-nav]");
  if (link) {
    event.preventDefault();
    go(link.getAttribute("href"));
  } else if (event.target.id === "signout") {
    showSignIn(false);
  } else if (event.target.id === "print") {
    window.print();  // the print stylesheet leaves the case report: evidence, checks, fields, timeline
  }
});

document.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "signin") return signIn(form);
  if (form.getAttribute("method") === "get") {  // the queue's filters: statuses, reasons, user names, dates only
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) query.append(name, value);
    return go(form.getAttribute("action") + "?" + query.toString());
  }
  go(form.getAttribute("action"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(new FormData(form)).toString(),
  }, false);
});

window.addEventListener("popstate", (event) => event.state && go(event.state.url, null, false));

document.addEventListener("DOMContentLoaded", () => {
  if (location.hash === "#expired") document.getElementById("message").textContent = "Your session has ended: sign in again.";
  if (sessionStorage.getItem(TOKEN)) go(linkedPage(), null, false);
});
