// A few line icons (24px grid, stroke), drawn inline so nothing is fetched.
import { html } from 'htm/preact';

const P = {
	home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
	parts: 'M4 7l8-4 8 4v10l-8 4-8-4zM4 7l8 4 8-4M12 11v10',
	location: 'M12 21s-7-6.2-7-11a7 7 0 0114 0c0 4.8-7 11-7 11zM12 12.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
	history: 'M3 12a9 9 0 109-9 9 9 0 00-6.4 2.6L3 8M3 3v5h5M12 7v5l3 2',
	user: 'M12 12a4 4 0 100-8 4 4 0 000 8zM4 21a8 8 0 0116 0',
	shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
	search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM21 21l-5-5',
	plus: 'M12 5v14M5 12h14',
	edit: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
	trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
	folder: 'M3 6h6l2 2h10v11H3z',
	chevronRight: 'M9 6l6 6-6 6',
	chevronDown: 'M6 9l6 6 6-6',
	chevronLeft: 'M15 6l-6 6 6 6',
	chevronsLeft: 'M12 6l-6 6 6 6M18 6l-6 6 6 6',
	chevronsRight: 'M6 6l6 6-6 6M12 6l6 6-6 6',
	close: 'M6 6l12 12M18 6L6 18',
	logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
	menu: 'M4 6h16M4 12h16M4 18h16',
	move: 'M5 12h14M13 6l6 6-6 6',
	count: 'M9 5h6M9 12h6M9 19h6M4 5h.01M4 12h.01M4 19h.01',
	minus: 'M5 12h14',
	flag: 'M5 21V4h11l-2 4 2 4H5',
	copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
	key: 'M15 9a4 4 0 11-1.2-2.8M13.8 11.2L4 21M7 18l2 2M10 15l2 2',
	alert: 'M12 3l10 18H2zM12 10v5M12 18h.01',
	check: 'M5 12l5 5 9-10',
	box: 'M21 8l-9-5-9 5 9 5zM3 8v8l9 5 9-5V8',
	image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01',
	paperclip: 'M20 11l-8.5 8.5a5 5 0 01-7-7L13 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L14 7',
	filter: 'M4 5h16l-6 8v6l-4-2v-4z',
	sort: 'M8 4v16M4 8l4-4 4 4M16 20V4M12 16l4 4 4-4',
	download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
	building: 'M4 21V4h10v17M14 9h6v12M3 21h18M8 8h2M8 12h2M8 16h2M17 13h.01M17 17h.01',
	printer: 'M7 9V3h10v6M7 17H4v-6h16v6h-3M7 14h10v7H7z',
	star: 'M12 3l2.8 5.8 6.2.9-4.5 4.4 1.1 6.2L12 17.4l-5.6 2.9 1.1-6.2L3 9.7l6.2-.9z',
	bell: 'M6 16V11a6 6 0 0112 0v5l2 2H4zM10 20a2 2 0 004 0',
	scan: 'M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M7 9v6M10 9v6M13 9v6M17 9v6',
};

export function Icon({ name, size = 18, label, fill }) {
	return html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24"
		fill=${fill || 'none'} stroke="currentColor" stroke-width="1.8" stroke-linecap="round"
		stroke-linejoin="round" aria-hidden=${label ? undefined : 'true'} role=${label ? 'img' : undefined}
		aria-label=${label}><path d=${P[name] || ''} /></svg>`;
}
