// Editing a run's notes or tags in a small dialog; saved with PATCH /api/v1/runs/{id}.
import { api } from './api.js';
import { h } from './dom.js';

export function editRun(run, field) {
  return new Promise(resolve => {
    const isTags = field === 'tags';
    const input = isTags
      ? h('input', { type: 'text', value: run.tags.join(', '), 'aria-label': 'Tags, separated by commas', class: 'edit-input' })
      : h('textarea', { rows: 4, 'aria-label': 'Notes', class: 'edit-input' });
    if (!isTags) input.value = run.notes || '';
    const err = h('div', { class: 'error', role: 'alert' });
    err.hidden = true;
    const close = result => { dlg.close(); dlg.remove(); resolve(result); };
    const save = async () => {
      const body = isTags ? { tags: input.value.split(',').map(s => s.trim()).filter(Boolean) } : { notes: input.value };
      try {
        close(await api('/api/v1/runs/' + encodeURIComponent(run.id), { method: 'PATCH', body }));
      } catch (e) {
        err.textContent = e.message;
        err.hidden = false;
      }
    };
    const dlg = h('dialog', { class: 'edit-dialog', 'aria-label': 'Edit ' + field },
      h('h3', null, (isTags ? 'Tags of ' : 'Notes of ') + run.name),
      input, err,
      h('div', { class: 'dialog-actions' },
        h('button', { class: 'btn', onclick: () => close(null) }, 'Cancel'),
        h('button', { class: 'btn primary', onclick: save }, 'Save')));
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && (isTags || e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); }
    });
    dlg.addEventListener('cancel', () => resolve(null));
    document.body.append(dlg);
    dlg.showModal();
    input.focus();
  });
}
