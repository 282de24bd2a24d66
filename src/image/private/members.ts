// Internal: the enum-like image options checked as members (strings from JavaScript, Python, Java, .NET and Go reach
// TypeScript enums unchecked).
import { CpuArchitecture, ImageAccelerator } from '../../compute/accelerator';
import { Problems, checkMember } from '../../private/validation';

/** Problems with `accelerator` / `architecture` values that are not members of their enums. */
export function imageOptionProblems(options: { readonly accelerator?: unknown; readonly architecture?: unknown } | undefined): string[] {
  const problems = new Problems();
  checkMember(problems, 'accelerator', options?.accelerator, Object.values(ImageAccelerator));
  checkMember(problems, 'architecture', options?.architecture, Object.values(CpuArchitecture));
  return [...problems.messages];
}
