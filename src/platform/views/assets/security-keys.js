/*
 * Officers' security keys (WebAuthn), as a progressive enhancement: the server renders the ceremony's options in
 * `data-webauthn-options` on an element `data-webauthn="create"` (registration) or `"get"` (sign-in) inside a form,
 * within a `[data-webauthn-section]` that is hidden until this script finds WebAuthn in the browser. On submit it
 * calls navigator.credentials, puts the credential as JSON (base64url fields, the shape @simplewebauthn/server
 * reads) in the form's `response` field and submits the form normally. Without this script the officer types the
 * authenticator code as before. Served from /assets/ (CSP: script-src 'self'); no inline script anywhere.
 */
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      return { type: c.type || 'public-key', id: toBytes(c.id), transports: c.transports };
    });
  }

  function creationOptions(o) {
    var options = Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      user: Object.assign({}, o.user, { id: toBytes(o.user.id) }),
      excludeCredentials: withIds(o.excludeCredentials),
    });
    delete options.hints;
    return options;
  }

  function requestOptions(o) {
    var options = Object.assign({}, o, { challenge: toBytes(o.challenge), allowCredentials: withIds(o.allowCredentials) });
    delete options.hints;
    return options;
  }

  function credentialJson(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-webauthn-unsupported]'), function (note) {
    note.hidden = true;
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-webauthn-section]'), function (section) {
    section.hidden = false;
  });

  Array.prototype.forEach.call(document.querySelectorAll('[data-webauthn]'), function (holder) {
    var form = holder.closest('form');
    if (!form) return;
    var mode = holder.getAttribute('data-webauthn');
    var options = JSON.parse(holder.getAttribute('data-webauthn-options'));
    var field = form.querySelector('input[name="response"]');
    var failure = holder.querySelector('[data-webauthn-error]');
    var busy = false;
    form.addEventListener('submit', function (event) {
      if (field.value) return; // the credential is in: let the form go
      // Registration needs a name first: let the server say so, before the authenticator makes a key.
      var name = form.querySelector('input[name="name"]');
      if (name && !name.value.trim()) return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      if (failure) failure.hidden = true;
      var ceremony =
        mode === 'create'
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      ceremony
        .then(function (credential) {
          if (!credential) throw new Error('no credential');
          field.value = JSON.stringify(credentialJson(credential));
          form.submit();
        })
        .catch(function () {
          busy = false;
          if (failure) {
            failure.hidden = false;
            failure.setAttribute('tabindex', '-1');
            failure.focus();
          }
        });
    });
  });
})();
