/**
 * The recycler pod's image: importing this module registers it in the
 * container catalogue (../../containers/images/catalogue.ts).
 */
export { debianBaseImage, debianBaseRepository, debianBaseRecyclerTag } from './image.ts';
