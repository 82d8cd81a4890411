// earchive web UI: file preview on the case page, uploads with progress on the console.
"use strict";

function setupPreview() {
  const panel = document.getElementById("preview");
  if (!panel) return;
  const frame = document.getElementById("preview-frame");
  const img = document.getElementById("preview-img");
  const title = document.getElementById("preview-title");
  document.querySelectorAll("button.preview").forEach((button) => {
    button.addEventListener("click", () => {
      const pdf = button.dataset.kind === "pdf";
      title.textContent = button.dataset.title || "";
      frame.hidden = !pdf;
      img.hidden = pdf;
      if (pdf) { frame.src = button.dataset.src; img.removeAttribute("src"); }
      else { img.src = button.dataset.src; frame.removeAttribute("src"); }
      panel.hidden = false;
      panel.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
  document.getElementById("preview-close").addEventListener("click", () => {
    panel.hidden = true;
    frame.removeAttribute("src");
    img.removeAttribute("src");
  });
}

function uploadOne(file, list) {
  return new Promise((resolve) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "status";
    item.append(name, bar, status);
    list.prepend(item);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/cases");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.addEventListener("load", () => {
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      const words = list.dataset;
      const english = words.lang === "en";
      if (xhr.status === 201 || xhr.status === 200) {
        item.classList.add("ok");
        const key = (body.status || "").split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1));
        const said = words["l" + key.join("")];
        status.textContent = `${said || body.status} · ${body.archival_code || ""}`;
      } else {
        item.classList.add("refused");
        // every reason in words (Chinese first), the code kept small beside it
        const reasons = (body.findings || [])
          .filter((f) => f.status === "FAIL")
          .map((f) => `${(!english && f.detail && f.detail.zh) || f.message} (${f.code})`);
        const why = reasons.length ? reasons.join("；") : (body.detail || body.title || "");
        status.textContent = `${words.lRefused || xhr.status}：${why}`;
      }
      item.dataset.status = String(xhr.status);
      resolve();
    });
    xhr.addEventListener("error", () => {
      item.classList.add("refused");
      status.textContent = list.dataset.lNetwork || "network error";
      resolve();
    });
    const form = new FormData();
    form.append("package", file, file.name);
    xhr.send(form);
  });
}

function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("upload-files");
    const list = document.getElementById("upload-list");
    for (const file of input.files) await uploadOne(file, list);
    list.dataset.done = "true";
  });
}

function setupPurpose() {
  document.querySelectorAll("form.purpose input").forEach((input) => {
    input.addEventListener("change", () => input.form.submit());
  });
}

function setupThumbnails() {
  // a hit whose result document may not be shown in small (403/404) shows no picture
  document.querySelectorAll("img.thumb").forEach((img) => {
    if (img.complete && img.naturalWidth === 0) img.remove();
    else if (img.complete) img.classList.add("loaded");
    else {
      img.addEventListener("error", () => img.remove());
      img.addEventListener("load", () => img.classList.add("loaded"));
    }
  });
}

function setupMenu() {
  const button = document.querySelector(".menu-toggle");
  if (!button) return;
  const bar = button.closest(".topbar");
  button.addEventListener("click", () => {
    const open = !bar.classList.contains("open");
    bar.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  });
}

function setupNarrow() {
  // on a phone the search filters start folded, so the results come first
  if (!window.matchMedia("(max-width: 720px)").matches) return;
  document.querySelectorAll("details[data-collapse-narrow]").forEach((d) => { d.open = false; });
}

function setupSelection() {
  // "select this page" ticks every row's box; the print button prints the page
  document.querySelectorAll("[data-select-all]").forEach((all) => {
    const boxes = () => document.querySelectorAll(`input.${all.dataset.selectAll}`);
    all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
  });
  document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
}

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  setupMenu();
  setupNarrow();
  setupSelection();
  setupPreview();
  setupThumbnails();
  setupUpload();
  setupPurpose();
});
