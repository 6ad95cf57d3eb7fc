#pragma once
// Scatter plots as SVG: a 2-D map of points coloured by class, such as an encoder's codes projected by
// PCA or t-SNE, where a reader looks for which classes form their own clusters and which overlap.
#include <string>
#include <vector>

namespace aegrad::data {

struct ScatterOptions {
    std::string title, x_label, y_label;
};

/// Point i at (x[i], y[i]) in its class's colour and shape (data::marker): one class per distinct label,
/// named class_names[label] when there is such a name, by its number otherwise; all one class when
/// `labels` is empty. The legend right of the plot lists the classes, and each class's name is also
/// written at the heart of its largest cluster, so clusters can be read without matching colours. Non-finite points
/// are left out. Throws std::invalid_argument when the lengths differ.
std::string scatter_plot_svg(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& labels,
                             const std::vector<std::string>& class_names, const ScatterOptions& options);

} // namespace aegrad::data
