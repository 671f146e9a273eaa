/**
 * Where `<presence-status-picker>` opens its list, in real Chromium and the real stylesheet:
 * right under (or, near the window's bottom, right over) its button, lined up with one of the
 * button's edges, and exactly where the React `StatusPicker` puts its own in the same place,
 * without ever scrolling the page. (jsdom has no layout, so test/elements can only compare markup.)
 */
import { render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../../src/components/presence-widgets.css';
import { StatusPicker } from '../../src/components';
import '../../src/elements';

const WIDTH = 800;
const HEIGHT = 600;
/** The gap the stylesheet keeps between the button and the list, and a pixel of rounding. */
const GAP = 4;
const SLACK = 2;

beforeAll(async () => {
  await page.viewport(WIDTH, HEIGHT);
});

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('dir');
  window.scrollTo(0, 0);
});

/** A box for the picker, `top` px from the window's top, at the inline start or end of the line. */
function slot(top: number, justify: 'start' | 'end' = 'start'): HTMLElement {
  const box = document.createElement('div');
  box.style.cssText = `position: absolute; inset-inline: 8px; top: ${top}px; display: flex; justify-content: flex-${justify};`;
  document.body.append(box);
  return box;
}

/** Opens the element picker (by a click, as a user would) placed by `slot`; its button's and list's boxes. */
async function openElement(box: HTMLElement) {
  const picker = document.createElement('presence-status-picker');
  box.append(picker);
  const trigger = picker.querySelector<HTMLButtonElement>('button[role=combobox]')!;
  await page.elementLocator(trigger).click();
  const list = picker.querySelector<HTMLElement>('[role=listbox]')!;
  await expect.element(page.elementLocator(list)).toBeVisible();
  return { trigger: trigger.getBoundingClientRect(), list: list.getBoundingClientRect(), listbox: list };
}

/** The React picker opened in the same kind of box. */
async function openReact(box: HTMLElement) {
  render(<StatusPicker />, { container: box });
  const trigger = box.querySelector<HTMLButtonElement>('button[role=combobox]')!;
  await page.elementLocator(trigger).click();
  const list = box.querySelector<HTMLElement>('[role=listbox]')!;
  await expect.element(page.elementLocator(list)).toBeVisible();
  return { trigger: trigger.getBoundingClientRect(), list: list.getBoundingClientRect(), listbox: list };
}

/** The list's box relative to its button: what must match between the two renderers. */
function offsets({ trigger, list }: { trigger: DOMRect; list: DOMRect }) {
  return {
    top: Math.round(list.top - trigger.bottom),
    bottom: Math.round(trigger.top - list.bottom),
    left: Math.round(list.left - trigger.left),
    right: Math.round(trigger.right - list.right),
  };
}

describe('<presence-status-picker> places its list like <StatusPicker>', () => {
  it('under the button, lined up with its start, at the top left of the window, without scrolling the page', async () => {
    const { trigger, list } = await openElement(slot(8));
    expect(list.top).toBeGreaterThanOrEqual(trigger.bottom);
    expect(list.top).toBeLessThanOrEqual(trigger.bottom + GAP + SLACK);
    expect(Math.abs(list.left - trigger.left)).toBeLessThanOrEqual(SLACK);
    expect(list.width).toBeLessThan(WIDTH / 2);
    expect(list.bottom).toBeLessThanOrEqual(HEIGHT);
    expect(window.scrollY).toBe(0);
  });

  it('lined up with the button end when the button is at the end of the line', async () => {
    const { trigger, list } = await openElement(slot(8, 'end'));
    expect(Math.abs(list.top - trigger.bottom - GAP)).toBeLessThanOrEqual(SLACK);
    expect(Math.abs(list.right - trigger.right)).toBeLessThanOrEqual(SLACK);
    expect(list.width).toBeLessThan(WIDTH / 2);
    expect(window.scrollY).toBe(0);
  });

  it('over the button when there is no room under it, and the page does not scroll', async () => {
    const { trigger, list, listbox } = await openElement(slot(HEIGHT - 60));
    expect(listbox).toHaveAttribute('data-side', 'top');
    expect(list.bottom).toBeLessThanOrEqual(trigger.top);
    expect(list.bottom).toBeGreaterThanOrEqual(trigger.top - GAP - SLACK);
    expect(list.top).toBeGreaterThanOrEqual(0);
    expect(window.scrollY).toBe(0);
  });

  it('right to left: under the button, lined up with its start (right) edge', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const { trigger, list } = await openElement(slot(8));
    expect(Math.abs(list.top - trigger.bottom - GAP)).toBeLessThanOrEqual(SLACK);
    expect(Math.abs(list.right - trigger.right)).toBeLessThanOrEqual(SLACK);
    expect(list.width).toBeLessThan(WIDTH / 2);
    expect(window.scrollY).toBe(0);
  });

  it.each([
    ['top left', 8, 'start', undefined],
    ['top right', 8, 'end', undefined],
    ['bottom left', HEIGHT - 60, 'start', undefined],
    ['top, right to left', 8, 'start', 'rtl'],
    ['bottom, right to left', HEIGHT - 60, 'end', 'rtl'],
  ] as const)('where the React picker puts it: %s', async (_name, top, justify, dir) => {
    if (dir) document.documentElement.setAttribute('dir', dir);
    const fromElement = await openElement(slot(top, justify));
    const elementPlacement = { side: fromElement.listbox.dataset.side, align: fromElement.listbox.dataset.align };
    document.body.replaceChildren();
    const fromReact = await openReact(slot(top, justify));
    expect(elementPlacement).toEqual({ side: fromReact.listbox.dataset.side, align: fromReact.listbox.dataset.align });
    // The buttons differ in width by the React one's sizers, so compare the edge the list follows.
    const e = offsets(fromElement);
    const r = offsets(fromReact);
    if (elementPlacement.side === 'top') expect(e.bottom).toBe(r.bottom);
    else expect(e.top).toBe(r.top);
    const followed = (elementPlacement.align === 'end') === (dir === 'rtl') ? 'left' : 'right';
    expect(e[followed]).toBe(r[followed]);
    expect(window.scrollY).toBe(0);
  });
});
