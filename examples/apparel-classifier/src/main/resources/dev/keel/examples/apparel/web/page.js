// The same page works from the example's PredictServer (POST /predict) and from `keel serve`
// (POST /v1/models/NAME:predict): GET /v1/models answers only on keel serve and names the model.
let endpoint = '/predict';
const ready = fetch('/v1/models').then(async (r) => {
  if (!r.ok) return;
  const json = await r.json();
  endpoint = '/v1/models/' + encodeURIComponent(json.models[0].name) + ':predict';
  document.getElementById('endpoint').textContent = 'POST ' + endpoint + ' (keel serve, '
      + json.models[0].ref + ')';
}).catch(() => {});

document.getElementById('file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  await ready;
  const answer = document.getElementById('answer');
  const table = document.getElementById('probs');
  answer.textContent = 'Thinking…'; table.innerHTML = '';
  const response = await fetch(endpoint, {method: 'POST', body: file,
      headers: {'Content-Type': 'application/octet-stream'}});
  const json = await response.json();
  if (!response.ok) { answer.textContent = 'Error: ' + json.message; return; }
  answer.innerHTML = 'This looks like: <b></b>'; answer.querySelector('b').textContent = json['class'];
  if (json.model_version) answer.append(' (' + json.model_version + ')');
  for (const [name, p] of Object.entries(json.probabilities)) {
    const row = table.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = (100 * p).toFixed(1) + ' %';
    const bar = document.createElement('div'); bar.className = 'bar'; bar.style.width = (200 * p) + 'px';
    row.insertCell().appendChild(bar);
  }
});
