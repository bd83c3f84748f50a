// Fills the header's #account-slot: the signed-in email with an "Account" link, or the static
// "Sign in" link (kept as is for guests and whenever the API cannot be reached).
import { currentUser } from './client.ts';

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
    slot.replaceChildren(email, ' ', link);
  });
}
