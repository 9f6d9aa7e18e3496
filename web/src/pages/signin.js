// Sign in, and first-run setup (the first superuser, with the setup code
// that `stockroom` printed when the database was created).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, setCsrfToken, ApiError } from '../api.js';
import { signIn, session, useStore, tokenFrom } from '../session.js';
import { Link } from '../router.js';
import { Icon } from '../ui/icons.js';
import { Button, TextField, useForm, FormErrors, toast } from '../ui/kit.js';

function AuthFrame({ title, sub, children }) {
	const s = useStore(session);
	return html`<main class="auth" id="main">
		<div class="auth-card">
			<div class="auth-brand"><span class="brand-mark" aria-hidden="true"><${Icon} name="box" size=${22} /></span>
				<span>${s.instance}</span></div>
			<h1>${title}</h1>
			${sub && html`<p class="auth-sub">${sub}</p>`}
			${children}
		</div>
		<p class="auth-foot">Inventory for people who keep the shelves.</p>
	</main>`;
}

export function SignIn({ expired }) {
	const setupOpen = useStore(session).setupRequired;
	const form = useForm({ username: '', password: '' });
	const go = () => form.submit(v => signIn(v.username.trim(), v.password), ['username', 'password']);
	return html`<${AuthFrame} title="Sign in" sub="Use your Stockroom account.">
		${expired && html`<div class="note note-warn" role="alert"><${Icon} name="alert" />
			<span>Your session has expired. Sign in again to continue where you were.</span></div>`}
		<form onSubmit=${e => { e.preventDefault(); go(); }} novalidate>
			<${FormErrors} form=${form} fields=${['username', 'password']} />
			<${TextField} form=${form} name="username" label="Username" autocomplete="username" required autofocus />
			<${TextField} form=${form} name="password" label="Password" type="password" autocomplete="current-password" required />
			<${Button} kind="primary" type="submit" busy=${form.busy} class="btn-block">Sign in</${Button}>
		</form>
		${setupOpen && html`<p class="auth-alt">No account exists yet. <${Link} to="/setup">Create the first administrator</${Link}></p>`}
	</${AuthFrame}>`;
}

export function Setup() {
	const form = useForm({ setup_code: '', username: '', email: '', password: '', password2: '' });
	const [done, setDone] = useState(false);
	const go = () => form.submit(async v => {
		if (v.password !== v.password2) {
			throw new ApiError(400, { password2: ['The two passwords differ.'] });
		}
		const r = await api.post('auth/setup/', {
			setup_code: v.setup_code.trim(),
			username: v.username.trim(), email: v.email.trim(), password: v.password,
		}, { quiet: true });
		const t = tokenFrom(r);
		if (t) setCsrfToken(t);
		setDone(true);
		toast('Administrator created. Signing you in…');
		await signIn(v.username.trim(), v.password);
	}, ['setup_code', 'code', 'username', 'email', 'password', 'password2']);
	const fe = form.fieldErrors;
	// The API may name the code "code" or "setup_code"; show either at the field.
	const codeForm = { ...form, fieldErrors: k => (k === 'setup_code' ? [...fe('setup_code'), ...fe('code')] : fe(k)) };
	const where = useStore(session).setupCodeFile || 'the file setup_code in the data directory';
	return html`<${AuthFrame} title="First-run setup"
		sub=${`No account exists yet: create the first administrator. The setup code is in ${where}, readable only by the server's owner.`}>
		<form onSubmit=${e => { e.preventDefault(); go(); }} novalidate>
			<${FormErrors} form=${form} fields=${['setup_code', 'code', 'username', 'email', 'password', 'password2']} />
			<${TextField} form=${codeForm} name="setup_code" label="Setup code" autocomplete="off" required autofocus />
			<${TextField} form=${form} name="username" label="Username" autocomplete="username" required />
			<${TextField} form=${form} name="email" label="Email" type="email" autocomplete="email" />
			<${TextField} form=${form} name="password" label="Password" type="password" autocomplete="new-password" required />
			<${TextField} form=${form} name="password2" label="Password again" type="password" autocomplete="new-password" required />
			<${Button} kind="primary" type="submit" busy=${form.busy || done} class="btn-block">Create administrator</${Button}>
		</form>
		<p class="auth-alt"><${Link} to="/login">Back to sign in</${Link}></p>
	</${AuthFrame}>`;
}
