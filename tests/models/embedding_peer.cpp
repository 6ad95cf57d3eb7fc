// aegrad's half of the scikit-learn check of PCA and t-SNE (sklearn_embedding.py): maps the rows of a .npy
// table with both and prints t-SNE's final KL divergence.
//   embedding_peer X.npy PERPLEXITY PCA.npy TSNE.npy
#include <cstdio>
#include <string>

#include <aegrad/data/dataset.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/models/pca.hpp>
#include <aegrad/models/tsne.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: embedding_peer X.npy PERPLEXITY PCA.npy TSNE.npy\n");
        return 2;
    }
    const data::Dataset d = data::load_dataset(argv[1]);
    const Array<double> x = xt::cast<double>(d.floats);
    const double perplexity = std::stod(argv[2]);
    const models::Projection pca = models::principal_components(x, 2);
    data::write_npy(argv[3], xt::cast<float>(pca.points));
    const Array<double> y = models::tsne(x, models::TsneOptions().perplexity(perplexity));
    data::write_npy(argv[4], xt::cast<float>(y));
    Array<double> grad;
    const double kl = models::tsne_objective(models::tsne_affinities(x, perplexity), y, grad);
    std::printf("variance_ratio %.9f %.9f\nkl %.6f\n", pca.variance_ratio[0], pca.variance_ratio[1], kl);
}
