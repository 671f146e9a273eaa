import type { ComponentProps } from 'react';
import { describe, expectTypeOf, it } from 'vitest';
import { PresenceBadge, StatusPicker, type PresenceBadgeFullProps, type StatusPickerProps } from '../../src/components';
import type { CategoryValue, PresenceCategory } from '../../src/model';

type BadgeProps = ComponentProps<typeof PresenceBadge>;

describe('PresenceBadge props', () => {
  it('presentational: a category (any server value), a status or a Graph presence, and no userId', () => {
    expectTypeOf({ category: 'AVAILABLE' } as const).toExtend<BadgeProps>();
    expectTypeOf({ category: 'SOMETHING_NEW' }).toExtend<BadgeProps>();
    expectTypeOf({ status: 'loading' } as const).toExtend<BadgeProps>();
    expectTypeOf({ category: 'BUSY', timestamp: 1, showSince: true } as const).toExtend<BadgeProps>();
  });

  it('connected: a userId (or self), and then no category, status or timestamp of its own', () => {
    expectTypeOf({ userId: '12987981103204' }).toExtend<BadgeProps>();
    expectTypeOf({ userId: 'self', showLabel: true } as const).toExtend<BadgeProps>();
    expectTypeOf({ userId: 12987981103204n }).toExtend<BadgeProps>();
    expectTypeOf({ userId: '1', category: 'AVAILABLE' } as const).not.toExtend<BadgeProps>();
    expectTypeOf({ userId: '1', status: 'ready' } as const).not.toExtend<BadgeProps>();
    expectTypeOf({ userId: '1', timestamp: 1 } as const).not.toExtend<BadgeProps>();
  });

  it('the exported props type is what the component accepts', () => {
    expectTypeOf<BadgeProps>().toExtend<PresenceBadgeFullProps>();
    expectTypeOf<{ size: 'huge' }>().not.toExtend<BadgeProps>();
  });
});

type PickerProps = ComponentProps<typeof StatusPicker>;

describe('StatusPicker props', () => {
  it('controlled: value is any server value; the change gives a category Symphony knows', () => {
    expectTypeOf<PickerProps['value']>().toEqualTypeOf<CategoryValue | undefined>();
    expectTypeOf<NonNullable<StatusPickerProps['onValueChange']>>().parameter(0).toEqualTypeOf<PresenceCategory>();
    expectTypeOf<NonNullable<StatusPickerProps['onValueChange']>>().parameter(1).toEqualTypeOf<{ soft: boolean }>();
    expectTypeOf({ value: 'IN_A_MEETING', onValueChange: (_c: PresenceCategory) => undefined } as const).toExtend<PickerProps>();
  });

  it('uncontrolled: defaultValue, or nothing at all (connected inside a provider)', () => {
    expectTypeOf({ defaultValue: 'BUSY' } as const).toExtend<PickerProps>();
    expectTypeOf({}).toExtend<PickerProps>();
    expectTypeOf({ defaultOpen: true } as const).toExtend<PickerProps>();
  });

  it('the open state is controllable the same way', () => {
    expectTypeOf<PickerProps['open']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<NonNullable<PickerProps['onOpenChange']>>().toEqualTypeOf<(open: boolean) => void>();
  });

  it('takes no children and no onChange (onValueChange instead)', () => {
    expectTypeOf({ children: 'x' }).not.toExtend<PickerProps>();
    expectTypeOf({ onChange: () => undefined }).not.toExtend<PickerProps>();
    expectTypeOf({ categories: ['AVAILABLE', 'NOT_A_STATUS'] }).not.toExtend<PickerProps>();
  });
});
