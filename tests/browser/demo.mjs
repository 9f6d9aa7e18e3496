// A small, realistic store room, created through the API from the signed-in
// page (so it exercises the same session and CSRF token as the UI).  Used
// for the screenshots that show what Stockroom looks like in use.
export const DEMO = {
	categories: [
		['Electronics', null], ['Resistors', 'Electronics'], ['Capacitors', 'Electronics'],
		['Microcontrollers', 'Electronics'], ['Connectors', 'Electronics'],
		['Mechanical', null], ['Fasteners', 'Mechanical'], ['Enclosures', 'Mechanical'],
		['Consumables', null],
	],
	locations: [
		['Main store', null], ['Rack 1', 'Main store'], ['Rack 2', 'Main store'],
		['Drawer 1A', 'Rack 1'], ['Drawer 1B', 'Rack 1'], ['Bin 2-04', 'Rack 2'],
		['Workshop', null], ['Assembly bench', 'Workshop'], ['Goods in', null],
	],
	parts: [
		// name, IPN, category, description, units, minimum, [location, qty]...
		['Resistor 1k 0603', 'R-1K-0603', 'Resistors', 'Thick film, 1%, 1/10 W', 'pcs', 500, ['Drawer 1A', 4200]],
		['Resistor 4.7k 0603', 'R-4K7-0603', 'Resistors', 'Thick film, 1%, 1/10 W', 'pcs', 500, ['Drawer 1A', 310]],
		['Resistor 100k 0805', 'R-100K-0805', 'Resistors', 'Thick film, 1%, 1/8 W', 'pcs', 200, ['Drawer 1A', 1800], ['Assembly bench', 150]],
		['Capacitor 100n 0603 X7R', 'C-100N-0603', 'Capacitors', 'MLCC 50 V, 10%', 'pcs', 1000, ['Drawer 1B', 6500]],
		['Capacitor 10u 1206 X5R', 'C-10U-1206', 'Capacitors', 'MLCC 25 V, 10%', 'pcs', 300, ['Drawer 1B', 120]],
		['Electrolytic 470u 35V', 'C-470U-35', 'Capacitors', 'Radial, 105 °C, 10×16 mm', 'pcs', 50, ['Bin 2-04', 64]],
		['STM32G431KBT6', 'U-STM32G431', 'Microcontrollers', 'Arm Cortex-M4, 128 KB flash, LQFP-32', 'pcs', 20, ['Drawer 1B', 48], ['Assembly bench', 6]],
		['ATmega328P-AU', 'U-ATMEGA328', 'Microcontrollers', '8-bit AVR, 32 KB flash, TQFP-32', 'pcs', 25, ['Drawer 1B', 12]],
		['USB-C receptacle 16p', 'J-USBC-16', 'Connectors', 'Mid-mount, USB 2.0', 'pcs', 100, ['Bin 2-04', 340]],
		['JST-PH 2-pin header', 'J-PH-2', 'Connectors', 'Right angle, 2.0 mm pitch', 'pcs', 200, ['Bin 2-04', 950]],
		['M3×8 socket cap screw', 'F-M3X8-SC', 'Fasteners', 'A2 stainless, ISO 4762', 'pcs', 500, ['Rack 2', 2400]],
		['M3 hex nut', 'F-M3-NUT', 'Fasteners', 'A2 stainless, ISO 4032', 'pcs', 500, ['Rack 2', 380]],
		['Enclosure 120×80×40', 'E-120-80-40', 'Enclosures', 'ABS, light grey, IP54', 'pcs', 10, ['Rack 2', 14], ['Goods in', 20]],
		// Units are physical units as InvenTree takes them (a reel or a
		// bottle is not one): solder by weight, alcohol by volume.
		['Solder wire 0.5 mm', 'CON-SOLDER-05', 'Consumables', 'Sn96.5Ag3Cu0.5, on 250 g reels', 'g', 500, ['Workshop', 750]],
		['Isopropyl alcohol', 'CON-IPA', 'Consumables', '99.9 %, for cleaning flux', 'l', 4, ['Workshop', 1]],
	],
};

/* Runs in the page: creates the demo data with the page's own session. */
export async function seedInPage(page, demo = DEMO) {
	return page.evaluate(async demo => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const call = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
			return r.json();
		};
		const cat = {}, loc = {}, items = [];
		for (const [name, parent] of demo.categories) cat[name] = (await call('part/category/', { name, parent: parent ? cat[parent] : null })).pk;
		for (const [name, parent] of demo.locations) loc[name] = (await call('stock/location/', { name, parent: parent ? loc[parent] : null })).pk;
		for (const [name, IPN, c, description, units, minimum_stock, ...stock] of demo.parts) {
			const p = await call('part/', { name, IPN, category: cat[c], description, units, minimum_stock });
			for (const [l, q] of stock) items.push(await call('stock/', { part: p.pk, location: loc[l], quantity: String(q) }));
		}
		// Some everyday movements for the activity feed.
		await call('stock/remove/', { items: [{ pk: items[1].pk, quantity: '120' }], notes: 'Build of 40 controller boards' });
		await call('stock/transfer/', { items: [{ pk: items[4].pk, quantity: '500' }], location: loc['Assembly bench'], notes: 'Kitting for the next batch' });
		await call('stock/count/', { items: [{ pk: items[items.length - 1].pk, quantity: '1' }], notes: 'Monthly count' });
		await call('stock/add/', { items: [{ pk: items[12].pk, quantity: '200' }], notes: 'Delivery 2026-118' });
		return { categories: Object.keys(cat).length, locations: Object.keys(loc).length, items: items.length };
	}, demo);
}
