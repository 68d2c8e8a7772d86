// The models library's anchor translation unit (every model has its own file beside this one).
namespace vmcsim::models {}
