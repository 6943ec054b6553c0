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
  go("/console/queue");
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

document.addEventListener("click", (event) => {
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
  const page = location.hash.startsWith("#/console/") ? location.hash.slice(1) : "/console/queue";
  if (sessionStorage.getItem(TOKEN)) go(page, null, false);
});
