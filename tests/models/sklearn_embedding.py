"""PCA and t-SNE against scikit-learn on its 8x8 digits (64 features): PCA's coordinates and variance shares
equal sklearn's up to each axis's sign; our exact t-SNE reaches a KL divergence no worse than sklearn's exact
method by more than 5%, and keeps neighbourhoods as well (trustworthiness). Skipped (77) without sklearn."""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE, trustworthiness
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

peer = sys.argv[1]
x = load_digits().data[:500].astype(np.float32)  # 500 points: sklearn's exact method takes seconds
perplexity = 20
with tempfile.TemporaryDirectory() as tmp:
    path = lambda name: os.path.join(tmp, name)
    np.save(path("x.npy"), x)
    out = subprocess.run([peer, path("x.npy"), str(perplexity), path("pca.npy"), path("tsne.npy")],
                         check=True, capture_output=True, text=True).stdout
    fields = dict((line.split()[0], line.split()[1:]) for line in out.splitlines())
    ours_pca, ours_tsne = np.load(path("pca.npy")), np.load(path("tsne.npy"))
    ours_kl, ours_ratio = float(fields["kl"][0]), np.array(fields["variance_ratio"], dtype=float)

x64 = x.astype(np.float64)
pca = PCA(2, svd_solver="full").fit(x64)
theirs = pca.transform(x64)
signs = np.sign(np.sum(theirs * ours_pca, axis=0))
pca_error = np.max(np.abs(theirs * signs - ours_pca)) / np.max(np.abs(theirs))
ratio_error = np.max(np.abs(pca.explained_variance_ratio_ - ours_ratio))

tsne = TSNE(2, perplexity=perplexity, init="pca", method="exact", learning_rate="auto", random_state=0)
theirs_tsne = tsne.fit_transform(x64)
trust_ours, trust_theirs = trustworthiness(x64, ours_tsne, n_neighbors=10), trustworthiness(x64, theirs_tsne, n_neighbors=10)
print(f"PCA: largest coordinate difference {pca_error:.2e} of the range, variance shares {ratio_error:.2e}")
print(f"t-SNE KL: ours {ours_kl:.4f}, scikit-learn {tsne.kl_divergence_:.4f}; "
      f"trustworthiness ours {trust_ours:.4f}, scikit-learn {trust_theirs:.4f}")
ok = pca_error < 1e-4 and ratio_error < 1e-6 and ours_kl < 1.05 * tsne.kl_divergence_ and trust_ours > trust_theirs - 0.01
sys.exit(0 if ok else 1)
