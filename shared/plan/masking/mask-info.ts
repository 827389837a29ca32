import type { DataMaskInfo } from '../../policy/model.js';

/** The admin text a CUSTOM mask puts in the body, `{col}` replaced by the value; undefined when there is none. */
export function customText(info: DataMaskInfo, arg: string): string | undefined {
  const text = (info.valueExpr ?? '').trim();
  return info.dataMaskType.toUpperCase() !== 'CUSTOM' || text === '' ? undefined : text.replaceAll('{col}', arg);
}

/** Whether a mask leaves every value as it is (MASK_NONE, or a CUSTOM expression that is just the column). */
export function isClear(info: DataMaskInfo): boolean {
  const type = info.dataMaskType.toUpperCase();
  return type === 'MASK_NONE' || (type === 'CUSTOM' && (info.valueExpr ?? '').trim() === '{col}');
}
