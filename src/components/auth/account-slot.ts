// Fills the header's #account-slot: the signed-in email with an "Account" link and a "Sign out"
// button, or the static "Sign in" link (kept as is for guests and whenever the API cannot be reached).
import { apiResult, currentUser, forgetCurrentUser } from '../../lib/api-client.ts';

const slot = document.getElementById('account-slot');
if (slot) {
  void currentUser().then((user) => {
    if (!user) {
      const link = slot.querySelector('a');
      if (link && !/^\/sign(in|up)\//.test(location.pathname)) link.href = `/signin/?next=${encodeURIComponent(location.pathname)}`;
      return;
    }
    const email = document.createElement('span');
    email.className = 'account-email muted';
    email.textContent = user.email;
    email.title = user.email;
    // Long addresses must not push the navigation around.
    Object.assign(email.style, { display: 'inline-block', maxWidth: '14rem', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', verticalAlign: 'bottom' });
    const link = document.createElement('a');
    link.href = '/account/';
    link.textContent = 'Account';
    if (location.pathname.startsWith('/account')) link.setAttribute('aria-current', 'page');
    const out = document.createElement('button');
    out.type = 'button';
    out.className = 'signout-link';
    out.id = 'header-signout';
    out.textContent = 'Sign out';
    out.addEventListener('click', async () => {
      out.disabled = true;
      out.textContent = 'Signing out…';
      const res = await apiResult<unknown>('/api/auth/signout', { method: 'POST' });
      // 401: the session had already ended; either way this browser is now signed out.
      if (res.ok || res.error.status === 401) {
        forgetCurrentUser();
        location.reload();
        return;
      }
      out.disabled = false;
      out.textContent = 'Sign out';
      out.title = res.error.message;
      alert(`Could not sign out: ${res.error.message}`);
    });
    slot.replaceChildren(email, ' ', link, ' ', out);
  });
}
